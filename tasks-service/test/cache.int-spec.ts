import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Actor, ListTasksQuery } from '#contracts';
import type { NatsRpcClient } from '#nats';
import { freePort, startService, testEnv, type RunningService } from '#testing';
import { generationKeyFor, listCacheKey, projectGenerationKey } from '../src/cache/list-cache-key.js';
import { ProjectsService } from '../src/projects/projects.service.js';
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
    // The page is cached under the owner's current generation.
    const generation = (await redis.get(generationKeyFor(owner)))!;
    expect(await redis.exists(listCacheKey(owner, generation, normalizeListQuery({}, owner)))).toBe(1);
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

describe('list cache with projects', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await startTasksApp();
  });
  afterAll(() => app?.close());

  it('a project task change makes every member stale with one counter; a membership change, that user at once', async () => {
    const tasks = app.get(TasksService);
    const projects = app.get(ProjectsService);
    const [manager, editor, viewer] = [await registerUser(client), await registerUser(client), await registerUser(client)];
    const project = await projects.create(manager, { name: 'Cached project' });
    await projects.setMember(manager, { projectId: project.id, userId: editor.id, role: 'editor' });
    await projects.setMember(manager, { projectId: project.id, userId: viewer.id, role: 'viewer' });
    const first = await tasks.create(editor, { title: 'First', projectId: project.id });
    expect((await list(tasks, viewer)).items.map((t) => t.id)).toEqual([first.id]);
    expect((await list(tasks, manager)).items.map((t) => t.id)).toEqual([first.id]);

    // The editor's change bumps the project's counter, not the viewer's own.
    const viewerGeneration = await redis.get(generationKeyFor(viewer));
    const projectGeneration = Number(await redis.get(projectGenerationKey(project.id)));
    const renamed = await tasks.update(editor, { taskId: first.id, version: 1, title: 'Renamed' });
    expect(Number(await redis.get(projectGenerationKey(project.id)))).toBe(projectGeneration + 1);
    expect(await redis.get(generationKeyFor(viewer))).toBe(viewerGeneration);
    expect((await list(tasks, viewer)).items).toEqual([renamed]);
    expect((await list(tasks, manager)).items).toEqual([renamed]);

    await projects.removeMember(manager, { projectId: project.id, userId: viewer.id });
    expect((await list(tasks, viewer)).items).toEqual([]);
    await projects.setMember(manager, { projectId: project.id, userId: viewer.id, role: 'viewer' });
    expect((await list(tasks, viewer)).items).toEqual([renamed]);
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

  it('serves project lists and membership changes correctly, uncached', async () => {
    const tasks = app.get(TasksService);
    const projects = app.get(ProjectsService);
    const [manager, viewer] = [await registerUser(client), await registerUser(client)];
    const project = await projects.create(manager, { name: 'No cache project' });
    await projects.setMember(manager, { projectId: project.id, userId: viewer.id, role: 'viewer' });
    const task = await tasks.create(manager, { title: 'Seen uncached', projectId: project.id });
    expect((await list(tasks, viewer)).items).toEqual([task]);
    await projects.removeMember(manager, { projectId: project.id, userId: viewer.id });
    expect((await list(tasks, viewer)).items).toEqual([]);
  });
});
