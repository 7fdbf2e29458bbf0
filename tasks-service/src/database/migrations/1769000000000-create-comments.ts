import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Comments on tasks. Deleting a task deletes its comments (ON DELETE CASCADE): a task's
 * delete event already tells everyone the conversation is gone.
 */
export class CreateComments1769000000000 implements MigrationInterface {
  name = 'CreateComments1769000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE task_comments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        author_id uuid NOT NULL,
        body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
        mention_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        edited_at timestamptz
      )`);
    // Oldest-first keyset pages of one task's comments (and the cascade).
    await db.query('CREATE INDEX task_comments_task_created_idx ON task_comments (task_id, created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE task_comments');
  }
}
