import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects, their members, and `tasks.project_id`. A task's project is not a cascading key:
 * deleting a project deletes its tasks one by one in the service, each with its event.
 */
export class CreateProjects1768000000000 implements MigrationInterface {
  name = 'CreateProjects1768000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
        owner_id uuid NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // Admins page through every project, newest first.
    await db.query('CREATE INDEX projects_created_idx ON projects (created_at, id)');

    await db.query(`
      CREATE TABLE project_members (
        project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('viewer', 'editor', 'manager')),
        added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (project_id, user_id)
      )`);
    // A user's projects (visibility of every list read): an index-only scan.
    await db.query('CREATE INDEX project_members_user_idx ON project_members (user_id, project_id) INCLUDE (role)');

    await db.query('ALTER TABLE tasks ADD COLUMN project_id uuid REFERENCES projects (id)');
    // A project's tasks in the orders lists use most (the member branch of the list query
    // walks these per project); also serves `projectId=` filters and the delete cascade.
    await db.query('CREATE INDEX tasks_project_created_idx ON tasks (project_id, created_at, id)');
    await db.query('CREATE INDEX tasks_project_updated_idx ON tasks (project_id, updated_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tasks DROP COLUMN project_id');
    await db.query('DROP TABLE project_members');
    await db.query('DROP TABLE projects');
  }
}
