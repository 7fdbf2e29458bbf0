import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOutboxTableSql } from '#outbox';
import { AUTH_OUTBOX_TABLE } from '../../events/auth-events.js';

export class CreateAuthOutbox1766000000000 implements MigrationInterface {
  name = 'CreateAuthOutbox1766000000000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of createOutboxTableSql(AUTH_OUTBOX_TABLE)) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ${AUTH_OUTBOX_TABLE}`);
  }
}
