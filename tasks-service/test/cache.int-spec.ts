import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Actor, ListTasksQuery } from '#contracts';
import type { NatsRpcClient } from '#nats';
import { freePort, startService, testEnv, type RunningService } from '#testing';
import { CACHE_EPOCH_KEY, generationKeyFor, listCacheKey } from '../src/cache/list-cache-key.js';
import { normalizeListQuery } from '../src/tasks/list-query.js';
import { TasksService } from '../src/tasks/tasks.service.js';
import { member, natsClient, registerUser, startTasksApp } from './factories/tasks-context.js';

let auth: RunningService;
let client: NatsRpcClient;
let redis: Redis;

beforeAll(async () => {
  auth = await startService('auth-service', testEnv());
  client = await natsClient();
  redis = new Redis(testEnv().REDIS_URL!);
});
afterAll(async () => {
  await client?.onApplicationShutdown();
  await auth?.stop();
  redis?.disconnect();
});

const list = (tasks: TasksService, actor: Actor, query: ListTasksQuery = {}) => tasks.list(actor, query);

describe('list cache', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await startTasksApp();
  });
  afterAll(() => app?.close());

  it('serves pages from Redis and is fresh for owner and assignee right after each write', async () => {
    const tasks = app.get(TasksService);
    const owner = await registerUser(client);
    const assignee = await registerUser(client);

    const task = await tasks.create(owner, { title: 'Cached task' });
    expect((await list(tasks, owner)).items.map((t) => t.id)).toEqual([task.id]);
    expect((await list(tasks, assignee)).items).toEqual([]);
    // The page is cached under the current epoch and the owner's current generation.
    const [generation, epoch] = await redis.mget(generationKeyFor(owner), CACHE_EPOCH_KEY);
    expect(await redis.exists(listCacheKey(owner, `${epoch ?? 0}.${generation}`, normalizeListQuery({}, owner)))).toBe(1);
    expect((await list(tasks, owner)).items.map((t) => t.id)).toEqual([task.id]);

    const assigned = await tasks.assign(owner, { taskId: task.id, userId: assignee.id });
    expect((await list(tasks, assignee)).items).toEqual([assigned]);
    expect((await list(tasks, owner)).items).toEqual([assigned]);

    const done = await tasks.update(assignee, { taskId: task.id, version: assigned.version, status: 'done' });
    expect((await list(tasks, owner)).items).toEqual([done]);
    expect((await list(tasks, assignee)).items).toEqual([done]);
    expect((await list(tasks, owner, { status: ['todo'] })).items).toEqual([]);

    const unassigned = await tasks.unassign(owner, { taskId: task.id, userId: assignee.id });
    expect((await list(tasks, assignee)).items).toEqual([]);
    expect((await list(tasks, owner)).items).toEqual([unassigned]);

    await tasks.delete(owner, { taskId: task.id });
    expect((await list(tasks, owner)).items).toEqual([]);
  });
});

describe('with Redis unreachable', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await startTasksApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => app?.close());

  it('reads and writes still work, uncached and promptly', async () => {
    const tasks = app.get(TasksService);
    const owner = member();
    const started = Date.now();
    const task = await tasks.create(owner, { title: 'No cache here' });
    expect((await list(tasks, owner)).items).toEqual([task]);
    const updated = await tasks.update(owner, { taskId: task.id, version: 1, title: 'Still no cache' });
    expect((await list(tasks, owner)).items).toEqual([updated]);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
