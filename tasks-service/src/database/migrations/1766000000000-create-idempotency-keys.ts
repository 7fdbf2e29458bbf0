import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key`s of task creates: per user, the first request's fingerprint and response,
 * kept 24 h (older rows are ignored, replaced on reuse, and deleted by a periodic sweep).
 */
export class CreateIdempotencyKeys1766000000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key varchar(200) NOT NULL,
        fingerprint bytea NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (user_id, key)
      )`);
    // The sweep deletes by age.
    await db.query('CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
  }
}
