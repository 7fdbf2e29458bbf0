import type { DataSource, EntityManager } from 'typeorm';
import { outOfTime } from '../tasks/tasks.errors.js';

/**
 * The budget's own refusals — statement_timeout or the commit-time deadline check
 * (query_canceled), lock_timeout (lock_not_available) — mean the request ran out of time and
 * nothing was written: TIMEOUT, not an internal error.
 */
export function rethrowBudgetTimeout(error: unknown): never {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  throw code === '57014' || code === '55P03' ? outOfTime() : error;
}

/**
 * One transaction. With a deadline, no statement may wait or run past it (statement and lock
 * timeouts of the transaction), and the transaction is rolled back instead of committed once
 * it has passed (here, and by the outbox row's commit-time check, migration
 * CheckDeadlineAtCommit, for a commit held up past it).
 */
export function transactionWithin<T>(dataSource: DataSource, work: (db: EntityManager) => Promise<T>, deadline?: number): Promise<T> {
  if (deadline === undefined) return dataSource.transaction(work);
  return dataSource
    .transaction(async (db) => {
      const budgetMs = Math.floor(deadline - Date.now());
      if (budgetMs <= 0) throw outOfTime();
      await db.query(`SET LOCAL statement_timeout = ${budgetMs}; SET LOCAL lock_timeout = ${budgetMs}; SET LOCAL taskflow.deadline = '${Math.floor(deadline)}'`);
      const result = await work(db);
      if (Date.now() >= deadline) throw outOfTime();
      return result;
    })
    .catch(rethrowBudgetTimeout);
}
