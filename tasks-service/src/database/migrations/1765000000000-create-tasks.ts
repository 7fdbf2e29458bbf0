import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql } from '#outbox';

export class CreateTasks1765000000000 implements MigrationInterface {
  name = 'CreateTasks1765000000000';

  async up(db: QueryRunner): Promise<void> {
    // Trigram index for `q` (substring search): LIKE '%abc%' can use it, a b-tree cannot.
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await db.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
        status varchar(16) NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done')),
        priority varchar(16) NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
        priority_rank smallint GENERATED ALWAYS AS (
          CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END
        ) STORED,
        due_date timestamptz,
        owner_id uuid NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        search_text text GENERATED ALWAYS AS (lower(title || ' ' || description)) STORED
      )`);
    // Keyset pagination: one index per sort, each ending in id (the tie-breaker).
    await db.query('CREATE INDEX tasks_created_idx ON tasks (created_at, id)');
    await db.query('CREATE INDEX tasks_updated_idx ON tasks (updated_at, id)');
    await db.query('CREATE INDEX tasks_priority_idx ON tasks (priority_rank, id)');
    // dueDate sorts put nulls last in both directions: the sort key is coalesce(due_date, ±infinity).
    await db.query(`CREATE INDEX tasks_due_asc_idx ON tasks ((coalesce(due_date, 'infinity'::timestamptz)), id)`);
    await db.query(`CREATE INDEX tasks_due_desc_idx ON tasks ((coalesce(due_date, '-infinity'::timestamptz)), id)`);
    // A member's own tasks, in the two orders lists use most.
    await db.query('CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at, id)');
    await db.query('CREATE INDEX tasks_owner_updated_idx ON tasks (owner_id, updated_at, id)');
    await db.query('CREATE INDEX tasks_search_trgm_idx ON tasks USING gin (search_text gin_trgm_ops)');

    await db.query(`
      CREATE TABLE task_assignments (
        task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (task_id, user_id)
      )`);
    await db.query('CREATE INDEX task_assignments_user_idx ON task_assignments (user_id, task_id)');

    // The relay only ever reads the unpublished tail, through a partial index.
    for (const statement of createOutboxTableSql('outbox')) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE outbox');
    await db.query('DROP TABLE task_assignments');
    await db.query('DROP TABLE tasks');
  }
}
