import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { TaskDto } from '#contracts';
import { Api, createTask, PrivateRedis, registerUser, startStack, waitFor, type Stack, type TestUser } from '#testing';

// Its own Redis (paused here) and its own suite: a healthy tasks-service on the same NATS would
// answer part of the requests. The bound below is what a hung Redis may cost a request: one
// REDIS_COMMAND_TIMEOUT_MS (100 ms) for the requests in flight when it hangs, nothing after.
const P95_BOUND_MS = 150;

let redis: PrivateRedis;
let stack: Stack;
let api: Api;
let owner: TestUser;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  stack = await startStack({ REDIS_URL: redis.url }, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  owner = await registerUser(api);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1]!;

async function timed<T>(durations: number[], request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await request();
  durations.push(performance.now() - started);
  return result;
}

const listIds = async () => {
  const response = await api.get<{ items: TaskDto[] }>('/api/tasks?ownerId=me&limit=100', { token: owner.accessToken });
  expect(response.status).toBe(200);
  return response.body.items.map((task) => task.id).sort();
};

describe('with Redis hung (SIGSTOP) and back (SIGCONT)', () => {
  it('tasks are listed, created and read fast and fresh while it hangs, and cached again after', async () => {
    const before = await createTask(api, owner.accessToken, { title: 'before the pause' });
    // The owner's first page is cached now: after the pause it must not come back stale.
    expect(await listIds()).toEqual([before.id]);
    expect(await listIds()).toEqual([before.id]);

    redis.pause();
    const durations: number[] = [];
    const created: string[] = [before.id];
    try {
      for (let i = 0; i < 10; i++) {
        const task = await timed(durations, () => createTask(api, owner.accessToken, { title: `during the pause ${i}` }));
        created.push(task.id);
        const read = await timed(durations, () => api.get<TaskDto>(`/api/tasks/${task.id}`, { token: owner.accessToken }));
        expect(read.status).toBe(200);
        expect(read.body).toEqual(task);
        expect(await timed(durations, listIds)).toEqual([...created].sort());
      }
    } finally {
      redis.resume();
    }
    expect(p95(durations)).toBeLessThan(P95_BOUND_MS);

    // Back: the cache is used again (a page of the owner appears in Redis), and what the
    // pause skipped (generation bumps) does not resurrect the page cached before it.
    const client = new Redis(redis.url);
    try {
      await waitFor(async () => {
        expect(await listIds()).toEqual([...created].sort());
        return (await client.keys(`tasks:list:member:${owner.user.id}:*`)).some((key) => !key.includes(':0.'));
      }, 10_000, "the owner's list cached again under a new epoch");
      expect(Number(await client.get('tasks:gen:epoch'))).toBeGreaterThan(0);
      const after = await createTask(api, owner.accessToken, { title: 'after the pause' });
      expect(await listIds()).toEqual([...created, after.id].sort());
    } finally {
      client.disconnect();
    }
  });

  it('the gateway keeps rate limiting (per replica) while Redis hangs, without waiting for it', async () => {
    // RATE_LIMIT_MAX is 100000 in tests: this checks the answers are prompt and not 429/5xx.
    redis.pause();
    const durations: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const response = await timed(durations, () => api.get('/api/auth/me', { token: owner.accessToken }));
        expect(response.status).toBe(200);
      }
    } finally {
      redis.resume();
    }
    expect(p95(durations)).toBeLessThan(P95_BOUND_MS);
  });
});
