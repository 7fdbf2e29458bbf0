// SIGTERM of a service under load: it exits 0 within SHUTDOWN_GRACE_MS, the work it had not
// started is refused (503 + Retry-After), the work it had started finishes and is answered —
// no client is left to wait for a 504.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Api, registerUser, startStack, waitFor, type ApiResponse, type Stack, type TestUser } from '#testing';

const SHUTDOWN_GRACE_MS = 4000;

let stack: Stack;
let api: Api;
let signIn: TestUser;
let writer: TestUser;

beforeAll(async () => {
  stack = await startStack(
    {
      SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
      // Slow hashes (production's cost), one at a time: a burst queues more than the 2 s the
      // shutdown gives running handlers, so queued sign-ins must be refused, not waited for.
      NATS_REQUEST_TIMEOUT_MS: '4000',
      BCRYPT_ROUNDS: '12',
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_MAX: '1000',
      LOGIN_FAILURE_LIMIT: '100000',
    },
    ['auth-service', 'tasks-service'],
  );
  api = new Api(stack.baseUrl);
  [signIn, writer] = [await registerUser(api), await registerUser(api)];
}, 60_000);
afterAll(() => stack?.close());

/** Status counts, e.g. { 200: 12, 503: 40 }. */
const tally = (responses: ApiResponse[]) => responses.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});

/** SIGTERM to a service of the stack: its exit code and how long it took. */
async function terminate(name: 'auth-service' | 'tasks-service'): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const code = await stack.stop(name);
  return { code, ms: Date.now() - started };
}

describe('SIGTERM under load', () => {
  it('auth-service during a sign-in burst: exits 0 in time; the queue is refused with 503, started hashes are answered, no 504', async () => {
    let answered = 0;
    const burst = Array.from({ length: 60 }, () =>
      api.post('/api/auth/login', { email: signIn.email, password: signIn.password }).finally(() => (answered += 1)),
    );
    // Signalled mid-burst: some sign-ins served, many still queued.
    await waitFor(() => answered >= 2, 20_000, 'the burst to be under way');
    const exit = await terminate('auth-service');
    const responses = await Promise.all(burst);

    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(SHUTDOWN_GRACE_MS);
    const counts = tally(responses);
    expect(Object.keys(counts).map(Number).filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(counts[200]).toBeGreaterThan(0);
    for (const r of responses.filter((r) => r.status === 503)) expect(r.headers.get('retry-after')).toBe('1');

    // Every 200 is a recorded sign-in, and nothing else was: started work finished, unstarted work was not done.
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM auth_outbox WHERE payload->>'type' = 'user.login' AND payload->>'userId' = $1`, [signIn.user.id]);
      expect(rows[0].n).toBe(counts[200]);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('tasks-service under a stream of creates: exits 0 in time; only 201s and 503s, and exactly the 201s are committed', async () => {
    let stopped = false;
    const responses: Array<ApiResponse & { title: string }> = [];
    let next = 0;
    const writers = Array.from({ length: 8 }, async () => {
      while (!stopped) {
        const title = `s-${next++}`;
        responses.push({ ...(await api.post('/api/tasks', { title }, { token: writer.accessToken })), title });
      }
    });
    await waitFor(() => responses.filter((r) => r.status === 201).length >= 20, 20_000, 'writes under way');
    const exit = await terminate('tasks-service');
    // Writers meet the stopped service (503, no responders) for a moment, then stop.
    await waitFor(() => responses.some((r) => r.status === 503), 5000, 'a 503 after the stop');
    stopped = true;
    await Promise.all(writers);

    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(SHUTDOWN_GRACE_MS);
    const counts = tally(responses);
    expect(Object.keys(counts).map(Number).filter((status) => status !== 201 && status !== 503)).toEqual([]);
    for (const r of responses.filter((r) => r.status === 503)) expect(r.headers.get('retry-after')).toBe('1');

    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ title: string }>('SELECT title FROM tasks WHERE owner_id = $1', [writer.user.id]);
      expect(rows.map((row) => row.title).sort()).toEqual(responses.filter((r) => r.status === 201).map((r) => r.title).sort());
    } finally {
      await db.end();
    }
  }, 60_000);
});
