/** Anything that runs SQL inside the caller's transaction (a TypeORM EntityManager or QueryRunner). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface OutboxMessage<Payload = unknown> {
  eventId: string;
  subject: string;
  payload: Payload;
}

/** Must run in the transaction of the change it describes: both commit, or neither. */
export async function insertOutboxRow(db: Queryable, table: string, message: OutboxMessage): Promise<void> {
  await db.query(`INSERT INTO ${table} (event_id, subject, payload) VALUES ($1, $2, $3)`, [message.eventId, message.subject, JSON.stringify(message.payload)]);
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
