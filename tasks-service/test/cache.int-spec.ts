import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ProjectsContract, TasksContract, type Actor, type ListTasksQuery } from '#contracts';
import type { NatsRpcClient } from '#nats';
import { freePort, startService, testEnv, type RunningService } from '#testing';
import { CACHE_EPOCH_KEY, generationKeyFor, listCacheKey, projectGenerationKey } from '../src/cache/list-cache-key.js';
import { normalizeListQuery } from '../src/tasks/list-query.js';
import { as, member, natsClient, registerUser } from './factories/tasks-context.js';

// tasks-service runs as built, in its own process, like every service in the integration
// suites, and is driven through its NATS contract as the gateway drives it.
let auth: RunningService;
let client: NatsRpcClient;
let redis: Redis;

beforeAll(async () => {
  auth = await startService('auth-service', testEnv());
  client = await natsClient();
  redis = new Redis(testEnv().REDIS_URL!);
}, 60000);
afterAll(async () => {
  await client?.onApplicationShutdown();
  await auth?.stop();
  redis?.disconnect();
});

const list = (actor: Actor, query: ListTasksQuery = {}) => client.request(TasksContract.list, query, as(actor));

describe('list cache', () => {
  let tasks: RunningService;
  beforeAll(async () => {
    tasks = await startService('tasks-service', testEnv());
  });
  afterAll(() => tasks?.stop());

  it('serves pages from Redis and is fresh for owner and assignee right after each write', async () => {
    const owner = await registerUser(client);
    const assignee = await registerUser(client);

    const task = await client.request(TasksContract.create, { title: 'Cached task' }, as(owner));
    expect((await list(owner)).items.map((t) => t.id)).toEqual([task.id]);
    expect((await list(assignee)).items).toEqual([]);
    // The page is cached under the current epoch and the owner's current generation.
    const [generation, epoch] = await redis.mget(generationKeyFor(owner), CACHE_EPOCH_KEY);
    expect(await redis.exists(listCacheKey(owner, `${epoch ?? 0}.${generation}`, normalizeListQuery({}, owner)))).toBe(1);
    expect((await list(owner)).items.map((t) => t.id)).toEqual([task.id]);

    const assigned = await client.request(TasksContract.assign, { taskId: task.id, userId: assignee.id }, as(owner));
    expect((await list(assignee)).items).toEqual([assigned]);
    expect((await list(owner)).items).toEqual([assigned]);

    const done = await client.request(TasksContract.update, { taskId: task.id, version: assigned.version, status: 'done' }, as(assignee));
    expect((await list(owner)).items).toEqual([done]);
    expect((await list(assignee)).items).toEqual([done]);
    expect((await list(owner, { status: ['todo'] })).items).toEqual([]);

    const unassigned = await client.request(TasksContract.unassign, { taskId: task.id, userId: assignee.id }, as(owner));
    expect((await list(assignee)).items).toEqual([]);
    expect((await list(owner)).items).toEqual([unassigned]);

    await client.request(TasksContract.delete, { taskId: task.id }, as(owner));
    expect((await list(owner)).items).toEqual([]);
  });
});

describe('list cache with projects', () => {
  let tasks: RunningService;
  beforeAll(async () => {
    tasks = await startService('tasks-service', testEnv());
  });
  afterAll(() => tasks?.stop());

  it('a project task change makes every member stale with one counter; a membership change, that user at once', async () => {
    const [manager, editor, viewer] = [await registerUser(client), await registerUser(client), await registerUser(client)];
    const project = await client.request(ProjectsContract.create, { name: 'Cached project' }, as(manager));
    await client.request(ProjectsContract.setMember, { projectId: project.id, userId: editor.id, role: 'editor' }, as(manager));
    await client.request(ProjectsContract.setMember, { projectId: project.id, userId: viewer.id, role: 'viewer' }, as(manager));
    const first = await client.request(TasksContract.create, { title: 'First', projectId: project.id }, as(editor));
    expect((await list(viewer)).items.map((t) => t.id)).toEqual([first.id]);
    expect((await list(manager)).items.map((t) => t.id)).toEqual([first.id]);

    // The editor's change bumps the project's counter, not the viewer's own.
    const viewerGeneration = await redis.get(generationKeyFor(viewer));
    const projectGeneration = Number(await redis.get(projectGenerationKey(project.id)));
    const renamed = await client.request(TasksContract.update, { taskId: first.id, version: 1, title: 'Renamed' }, as(editor));
    expect(Number(await redis.get(projectGenerationKey(project.id)))).toBe(projectGeneration + 1);
    expect(await redis.get(generationKeyFor(viewer))).toBe(viewerGeneration);
    expect((await list(viewer)).items).toEqual([renamed]);
    expect((await list(manager)).items).toEqual([renamed]);

    await client.request(ProjectsContract.removeMember, { projectId: project.id, userId: viewer.id }, as(manager));
    expect((await list(viewer)).items).toEqual([]);
    await client.request(ProjectsContract.setMember, { projectId: project.id, userId: viewer.id, role: 'viewer' }, as(manager));
    expect((await list(viewer)).items).toEqual([renamed]);
  });
});

describe('with Redis unreachable', () => {
  let tasks: RunningService;
  beforeAll(async () => {
    tasks = await startService('tasks-service', { ...testEnv(), REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => tasks?.stop());

  it('reads and writes still work, uncached and promptly', async () => {
    const owner = member();
    const started = Date.now();
    const task = await client.request(TasksContract.create, { title: 'No cache here' }, as(owner));
    expect((await list(owner)).items).toEqual([task]);
    const updated = await client.request(TasksContract.update, { taskId: task.id, version: 1, title: 'Still no cache' }, as(owner));
    expect((await list(owner)).items).toEqual([updated]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('serves project lists and membership changes correctly, uncached', async () => {
    const [manager, viewer] = [await registerUser(client), await registerUser(client)];
    const project = await client.request(ProjectsContract.create, { name: 'No cache project' }, as(manager));
    await client.request(ProjectsContract.setMember, { projectId: project.id, userId: viewer.id, role: 'viewer' }, as(manager));
    const task = await client.request(TasksContract.create, { title: 'Seen uncached', projectId: project.id }, as(manager));
    expect((await list(viewer)).items).toEqual([task]);
    await client.request(ProjectsContract.removeMember, { projectId: project.id, userId: viewer.id }, as(manager));
    expect((await list(viewer)).items).toEqual([]);
  });
});
