// Overload: more sign-ins than auth-service can hash before the gateway's deadline are shed at
// once (503 + Retry-After), never queued into a 504, and no hash is computed for a client that
// was already answered.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Api, registerUser, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack(
    {
      // Few, slow hashes: capacity within the deadline is a few dozen sign-ins.
      BCRYPT_ROUNDS: '10',
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_MAX: '1000',
      NATS_REQUEST_TIMEOUT_MS: '3000',
      // One user signs in many times: the failed-login limiter has nothing to count here.
      LOGIN_FAILURE_LIMIT: '100000',
    },
    ['auth-service'],
  );
  api = new Api(stack.baseUrl);
}, 60_000);
afterAll(() => stack?.close());

describe('a burst of sign-ins far beyond capacity', () => {
  it('gets only 200s and 503s with Retry-After, no 504 or 500, and one login per 200', async () => {
    const user = await registerUser(api);
    const burst = await Promise.all(
      Array.from({ length: 150 }, () => api.post('/api/auth/login', { email: user.email, password: user.password })),
    );
    const statuses = burst.map((response) => response.status);
    const ok = statuses.filter((status) => status === 200).length;
    const shed = burst.filter((response) => response.status === 503);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const response of shed) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), requestId: expect.any(String) });
    }

    // Every accepted sign-in was hashed and recorded once; the shed ones never reached bcrypt.
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM auth_outbox WHERE payload->>'type' = 'user.login' AND payload->>'userId' = $1`, [user.user.id]);
      expect(rows[0].n).toBe(ok);
    } finally {
      await db.end();
    }

    // The burst is over: the next sign-in is served.
    expect((await api.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  }, 60_000);
});

describe('OpenAPI', () => {
  it('lists 503 with its Retry-After header on every /api operation (shedding and unavailable dependencies can happen on any)', async () => {
    const doc = (await api.get('/api/docs-json')).body as { paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));
    expect(operations.length).toBeGreaterThan(10);
    const undocumented = operations.filter(({ operation }) => {
      const header = operation.responses['503']?.headers?.['Retry-After'] as { schema?: { type?: string } } | undefined;
      return header?.schema?.type !== 'integer';
    });
    expect(undocumented.map(({ route }) => route)).toEqual([]);
  });
});
