import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every task write inserts an outbox row. A deferred constraint trigger on it checks, as the
 * transaction commits, the request's deadline (`taskflow.deadline`, epoch ms, set per
 * transaction by the repository): a write held up past it (a paused database resumed, a slow
 * commit) rolls back instead of committing for a client that was already answered 504. A
 * check in the statement alone runs before the insert and the commit, so a pause between them
 * would still commit. No setting, no check.
 */
export class CheckDeadlineAtCommit1767000000000 implements MigrationInterface {
  name = 'CheckDeadlineAtCommit1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION refuse_commit_past_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        deadline text := current_setting('taskflow.deadline', true);
      BEGIN
        IF deadline <> '' AND clock_timestamp() >= to_timestamp(deadline::float8 / 1000) THEN
          RAISE EXCEPTION 'the request''s deadline passed before its write committed' USING ERRCODE = 'query_canceled';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER outbox_commit_deadline AFTER INSERT ON outbox
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit_past_deadline()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER outbox_commit_deadline ON outbox');
    await db.query('DROP FUNCTION refuse_commit_past_deadline()');
  }
}
