import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, assignTask, createTask, registerUser, startStack, type Stack } from '#testing';

// Its own suite: a second stack beside a healthy one would share NATS queue groups with it,
// and requests could be answered by the tasks-service that still has Redis.
let stack: Stack;
let api: Api;

beforeAll(async () => {
  // Nothing listens on 6399: tasks-service's list cache and the gateway's rate limiter both fail open.
  stack = await startStack({ REDIS_URL: 'redis://127.0.0.1:6399' }, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
});
afterAll(() => stack?.close());

describe('with Redis unavailable', () => {
  it('tasks are created, listed, changed, (un)assigned and deleted, uncached and fresh, never a 500', async () => {
    const [owner, assignee] = await Promise.all([registerUser(api), registerUser(api)]);
    expect((await api.get('/api/tasks?ownerId=me', { token: owner.accessToken })).body).toEqual({ items: [], nextCursor: null });

    const task = await createTask(api, owner.accessToken, { title: 'no redis' });
    const listed = await api.get('/api/tasks?ownerId=me', { token: owner.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([task]);

    const changed = await api.patch(`/api/tasks/${task.id}`, { title: 'still no redis', version: task.version }, { token: owner.accessToken });
    expect(changed.status).toBe(200);
    expect((await api.get('/api/tasks?ownerId=me', { token: owner.accessToken })).body.items).toEqual([changed.body]);
    expect((await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken })).body).toEqual(changed.body);

    const assigned = await assignTask(api, owner.accessToken, task.id, assignee.user.id);
    expect((await api.get('/api/tasks?assigneeId=me', { token: assignee.accessToken })).body.items).toEqual([assigned]);
    expect((await api.delete(`/api/tasks/${task.id}/assignees/${assignee.user.id}`, { token: owner.accessToken })).status).toBe(200);
    expect((await api.get('/api/tasks', { token: assignee.accessToken })).body.items).toEqual([]);

    const stale = await api.patch(`/api/tasks/${task.id}`, { title: 'stale', version: task.version }, { token: owner.accessToken });
    expect(stale.status).toBe(409);

    expect((await api.delete(`/api/tasks/${task.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await api.get('/api/tasks?ownerId=me', { token: owner.accessToken })).body.items).toEqual([]);
  });

  it('answers quickly: a dead cache is skipped, not waited for on every request', async () => {
    const owner = await registerUser(api);
    await createTask(api, owner.accessToken);
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await api.get('/api/tasks?ownerId=me', { token: owner.accessToken })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
