import type { DataSource } from 'typeorm';

/**
 * Replicas start together; a session-level advisory lock on one connection lets the first
 * run the migrations while the others wait and then find nothing pending.
 */
export async function runMigrationsLocked(dataSource: DataSource, service: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`taskflow:migrations:${service}`]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`taskflow:migrations:${service}`]).catch(() => undefined);
    await runner.release();
  }
}

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'driverError' in error && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}
