// The commit-time deadline check (migration CheckDeadlineAtCommit): a task write is refused at
// COMMIT once its request's deadline has passed, even though its statements ran in time — the
// window a paused or slow database opens between a statement's own check and its commit.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PrivatePostgres, startService, testEnv } from '#testing';

let db: PrivatePostgres;
let client: pg.Client;

beforeAll(async () => {
  db = await PrivatePostgres.start();
  // tasks-service migrates its database at start-up; stopped again so its outbox relay leaves the rows alone.
  const service = await startService('tasks-service', { ...testEnv(), DATABASE_URL: db.url });
  expect(await service.stop()).toBe(0);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
}, 60_000);
afterAll(async () => {
  await client?.end();
  db?.close();
});

/** Inserts an outbox row in a transaction with `deadline` (or none), then commits: whether it was kept, or the commit's error code. */
async function writeAndCommit(deadline: number | undefined): Promise<{ kept: boolean; commitError?: string }> {
  const eventId = randomUUID();
  await client.query('BEGIN');
  if (deadline !== undefined) await client.query(`SELECT set_config('taskflow.deadline', $1, true)`, [String(deadline)]);
  await client.query(`INSERT INTO outbox (event_id, subject, payload) VALUES ($1, 'tasks.events.created', '{}')`, [eventId]);
  let commitError: string | undefined;
  try {
    await client.query('COMMIT');
  } catch (error) {
    commitError = (error as { code?: string }).code;
  }
  const { rowCount } = await client.query('SELECT 1 FROM outbox WHERE event_id = $1', [eventId]);
  return { kept: rowCount === 1, ...(commitError ? { commitError } : {}) };
}

describe('a task write whose deadline passes before it commits', () => {
  it('is rolled back at COMMIT with query_canceled, though its insert ran', async () => {
    expect(await writeAndCommit(Date.now() - 1)).toEqual({ kept: false, commitError: '57014' });
  });

  it('commits while the deadline is ahead', async () => {
    expect(await writeAndCommit(Date.now() + 60_000)).toEqual({ kept: true });
  });

  it('commits without a deadline (writes outside a request: migrations, tools)', async () => {
    expect(await writeAndCommit(undefined)).toEqual({ kept: true });
  });
});
