import type { DataSource, EntityManager } from 'typeorm';
import { outOfTime } from '../tasks/tasks.errors.js';

/**
 * One transaction. With a deadline, no statement may wait or run past it (statement and lock
 * timeouts of the transaction), and the transaction is rolled back instead of committed once
 * it has passed.
 */
export function transactionWithin<T>(dataSource: DataSource, work: (db: EntityManager) => Promise<T>, deadline?: number): Promise<T> {
  if (deadline === undefined) return dataSource.transaction(work);
  return dataSource.transaction(async (db) => {
    const budgetMs = Math.floor(deadline - Date.now());
    if (budgetMs <= 0) throw outOfTime();
    await db.query(`SET LOCAL statement_timeout = ${budgetMs}; SET LOCAL lock_timeout = ${budgetMs}`);
    const result = await work(db);
    if (Date.now() >= deadline) throw outOfTime();
    return result;
  });
}
