// Admission at the gateway: beyond GATEWAY_MAX_IN_FLIGHT_PER_SERVICE requests waiting on one
// service, the gateway answers 503 + Retry-After at once, without asking the service; health
// and metrics are never shed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, registerUser, startStack, type Stack } from '#testing';

let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startStack(
    {
      GATEWAY_MAX_IN_FLIGHT_PER_SERVICE: '2',
      // Slow hashes, so two sign-ins keep auth-service busy while the others arrive.
      BCRYPT_ROUNDS: '12',
      LOGIN_FAILURE_LIMIT: '100000',
    },
    ['auth-service', 'tasks-service', 'events-service'],
  );
  api = new Api(stack.baseUrl);
}, 60_000);
afterAll(() => stack?.close());

interface Timed {
  status: number;
  retryAfter: string | null;
  message: unknown;
  at: number;
}

describe('a per-service in-flight limit of 2', () => {
  it('sheds the excess of a burst with 503 + Retry-After before any admitted one finishes; health is not shed; then serves again', async () => {
    const user = await registerUser(api);
    const started = Date.now();
    const login = async (): Promise<Timed> => {
      const response = await api.post('/api/auth/login', { email: user.email, password: user.password });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), message: response.body.message, at: Date.now() - started };
    };
    const burst = Promise.all(Array.from({ length: 10 }, login));
    // While auth-service holds its two, readiness (which pings it) and liveness still answer.
    const [ready, live, metrics] = await Promise.all([api.get('/health/ready'), api.get('/health'), api.get('/metrics')]);
    const results = await burst;

    expect([ready.status, live.status, metrics.status]).toEqual([200, 200, 200]);
    const admitted = results.filter((r) => r.status === 200);
    const shed = results.filter((r) => r.status === 503);
    expect(admitted).toHaveLength(2);
    expect(shed).toHaveLength(8);
    for (const response of shed) {
      expect(response.retryAfter).toBe('1');
      expect(response.message).toMatch(/overloaded/i);
    }
    // Shed at once: every refusal came before the first admitted sign-in finished its hash.
    expect(Math.max(...shed.map((r) => r.at))).toBeLessThan(Math.min(...admitted.map((r) => r.at)));

    // Other services keep their own share meanwhile, and the limit frees up afterwards.
    expect((await api.get('/api/tasks', { token: user.accessToken })).status).toBe(200);
    expect((await login()).status).toBe(200);
  });
});
