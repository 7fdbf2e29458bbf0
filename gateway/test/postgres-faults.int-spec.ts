// PostgreSQL faults under a stream of task creates, on a PostgreSQL of this suite's own (the
// harness's NATS and Redis): no task is committed for a client that was told it failed, errors
// are 503 + Retry-After or 504 (never 500), readiness tells, and service is back at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Api, PrivatePostgres, registerUser, startStack, waitFor, type ApiResponse, type Stack, type TestUser } from '#testing';

// Short enough that a 10 s pause sees several timeouts per writer, long enough for a loaded machine.
const REQUEST_TIMEOUT_MS = 2000;

let db: PrivatePostgres;
let stack: Stack;
let api: Api;

beforeAll(async () => {
  db = await PrivatePostgres.start();
  stack = await startStack({ NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }, ['auth-service']);
  await stack.start('tasks-service', { DATABASE_URL: db.url });
  api = new Api(stack.baseUrl);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  db?.close();
});

interface Outcome {
  title: string;
  status: number;
  retryAfter: string | null;
  id?: string;
}

const create = (user: TestUser, title: string, key?: string): Promise<ApiResponse> =>
  api.post('/api/tasks', { title }, { token: user.accessToken, headers: key === undefined ? {} : { 'idempotency-key': key } });

/**
 * `writers` loops creating tasks with unique titles until `stop` settles; every answer is kept.
 * A fault step that fails stops them too: its error is then the test's, not a 90 s timeout with
 * writers still flooding the shared event stream.
 */
async function writeUntil(user: TestUser, writers: number, stop: Promise<unknown>): Promise<Outcome[]> {
  let stopped = false;
  void stop.then(
    () => (stopped = true),
    () => (stopped = true),
  );
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (!stopped) {
        const title = `w-${next++}`;
        const response = await create(user, title);
        outcomes.push({ title, status: response.status, retryAfter: response.headers.get('retry-after'), id: response.body?.id });
      }
    }),
  );
  return outcomes;
}

/** The titles of the user's tasks as committed, read from PostgreSQL itself. */
async function committedTitles(user: TestUser): Promise<string[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ title: string }>('SELECT title FROM tasks WHERE owner_id = $1', [user.user.id]);
    return rows.map((row) => row.title);
  } finally {
    await client.end();
  }
}

/** Every committed task was answered 201 (with its id), and no failed request left a task. */
async function expectCommittedExactlyThe201s(user: TestUser, outcomes: Outcome[]): Promise<void> {
  // Only the stream's own titles: the probes made while measuring recovery are not in it.
  const committed = new Set((await committedTitles(user)).filter((title) => title.startsWith('w-')));
  const created = outcomes.filter((o) => o.status === 201);
  const failedButCommitted = outcomes.filter((o) => o.status !== 201 && committed.has(o.title));
  expect(failedButCommitted).toEqual([]);
  expect(created.filter((o) => !committed.has(o.title))).toEqual([]);
  expect(committed.size).toBe(created.length);
}

const tally = (outcomes: Outcome[]) => outcomes.reduce<Record<number, number>>((counts, o) => ({ ...counts, [o.status]: (counts[o.status] ?? 0) + 1 }), {});

/** Time from now until a create is answered 201, retrying at once on an error. */
async function msUntilCreated(user: TestUser): Promise<number> {
  const started = Date.now();
  await waitFor(async () => (await create(user, `probe-${randomUUID().slice(0, 8)}`)).status === 201, 10_000, 'a create to succeed');
  return Date.now() - started;
}

describe('PostgreSQL paused (SIGSTOP) for 10 s under a stream of creates', () => {
  it('commits no task whose request got an error, turns readiness 503, and creates again within 1 s of the resume', async () => {
    const user = await registerUser(api);
    let readinessDuringPause = 0;
    let recoveryMs = Number.POSITIVE_INFINITY;
    const fault = (async () => {
      await waitFor(async () => (await committedTitles(user)).length >= 20, 20_000, 'writes before the pause');
      db.pause();
      try {
        readinessDuringPause = (await waitFor(async () => {
          const status = (await api.get('/health/ready')).status;
          return status === 503 ? status : undefined;
        }, 5000, 'readiness 503 during the pause')) as number;
        await new Promise((resolve) => setTimeout(resolve, 10_000)); // the fault itself: a 10 s hang
      } finally {
        db.resume();
      }
      // Measured from the resume, with the writers still going.
      recoveryMs = await msUntilCreated(user);
    })();
    const outcomes = await writeUntil(user, 8, fault);
    await fault;

    expect(readinessDuringPause).toBe(503);
    expect(recoveryMs).toBeLessThanOrEqual(1000);
    const counts = tally(outcomes);
    expect(counts[201]).toBeGreaterThan(20);
    // Requests the pause held past their deadline: answered 504 (or shed, 503), never 500.
    expect(Object.keys(counts).map(Number).filter((status) => ![201, 503, 504].includes(status))).toEqual([]);
    expect(counts[504] ?? 0).toBeGreaterThan(0);
    for (const o of outcomes.filter((o) => o.status === 503)) expect(o.retryAfter).toBe('1');
    // Requests that waited out the pause in tasks-service's pool ran after their deadline: none wrote.
    await expectCommittedExactlyThe201s(user, outcomes);
  }, 90_000);
});

describe('PostgreSQL restarted under a stream of creates', () => {
  it('answers only 201s and 503s with Retry-After (no 500, no 504), and commits exactly the 201s', async () => {
    const user = await registerUser(api);
    const fault = (async () => {
      await waitFor(async () => (await committedTitles(user)).length >= 20, 20_000, 'writes before the restart');
      db.stop();
      // Let the writers meet the stopped database (refused connections), then bring it back.
      await waitFor(async () => (await create(user, `down-${randomUUID().slice(0, 8)}`)).status === 503, 5000, 'a 503 while PostgreSQL is down');
      db.startServer();
      await msUntilCreated(user);
    })();
    const outcomes = await writeUntil(user, 8, fault);
    await fault;

    const counts = tally(outcomes);
    expect(Object.keys(counts).map(Number).filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(counts[503] ?? 0).toBeGreaterThan(0);
    for (const o of outcomes.filter((o) => o.status === 503)) expect(o.retryAfter).toBe('1');
    await expectCommittedExactlyThe201s(user, outcomes);
  }, 90_000);
});

describe('Idempotency-Key retry after a forced timeout', () => {
  it('a create answered 504 while PostgreSQL hung is retried with its key: one task, and every retry answers it', async () => {
    const user = await registerUser(api);
    const key = randomUUID();
    const title = `once-${key.slice(0, 8)}`;
    db.pause();
    let first: ApiResponse;
    try {
      first = await create(user, title, key);
    } finally {
      db.resume();
    }
    expect([503, 504]).toContain(first.status);

    const retry = await waitFor(async () => {
      const response = await create(user, title, key);
      return response.status === 201 ? response : undefined;
    }, 10_000, 'the retry to be served');
    const again = await create(user, title, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(retry.body);
    expect((await committedTitles(user)).filter((t) => t === title)).toHaveLength(1);
  }, 60_000);
});
