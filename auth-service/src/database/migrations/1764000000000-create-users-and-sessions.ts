import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1764000000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL,
        name varchar(100) NOT NULL,
        password_hash varchar(100) NOT NULL,
        role varchar(16) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    // Prefix search for assignee pickers: LIKE 'abc%' needs pattern ops to use an index.
    await db.query(`CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops)`);
    await db.query(`CREATE INDEX users_name_prefix_idx ON users (lower(name) text_pattern_ops)`);
    await db.query(`CREATE INDEX users_name_order_idx ON users (lower(name), id)`);
    await db.query(`
      CREATE TABLE refresh_sessions (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX refresh_sessions_family_idx ON refresh_sessions (family_id)`);
    await db.query(`CREATE INDEX refresh_sessions_user_idx ON refresh_sessions (user_id) WHERE revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE refresh_sessions');
    await db.query('DROP TABLE users');
  }
}
