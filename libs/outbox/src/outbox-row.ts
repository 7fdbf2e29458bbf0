import type { EventMessage } from '#contracts';

/** Anything that runs SQL inside the caller's transaction (a TypeORM EntityManager or QueryRunner). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * An event its contract validated (`EventContract.encode` in libs/contracts): the only kind
 * of message an outbox takes, so no event is written without its schema. The relay publishes
 * it with `eventId` as the message id.
 */
export type OutboxMessage<Payload extends { eventId: string } = { eventId: string }> = EventMessage<Payload>;

/** Must run in the transaction of the change it describes: both commit, or neither. */
export async function insertOutboxRow(db: Queryable, table: string, message: OutboxMessage): Promise<void> {
  await db.query(`INSERT INTO ${table} (event_id, subject, payload) VALUES ($1, $2, $3)`, [message.payload.eventId, message.subject, message.json]);
}

/** The DDL of an outbox table, for a service's migration. */
export function createOutboxTableSql(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
      id bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      subject text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts int NOT NULL DEFAULT 0,
      last_error text
    )`,
    `CREATE INDEX ${table}_unpublished_idx ON ${table} (id) WHERE published_at IS NULL`,
  ];
}
