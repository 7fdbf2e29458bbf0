import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommentDto } from '#contracts';
import { Api, assignTask, createTask, RealtimeStack, registerUser, type TestUser } from '#testing';

/** The whole path: a comment through the gateway → tasks-service's outbox → JetStream → realtime-service → sockets. */
let realtime: RealtimeStack;
let api: Api;

beforeAll(async () => {
  realtime = await RealtimeStack.start(['auth-service', 'tasks-service']);
  api = realtime.api;
}, 60000);
afterEach(() => realtime.disconnectAll());
afterAll(() => realtime?.close());

const listen = (user: TestUser) => realtime.listen(user);

describe('comment realtime, end to end', () => {
  it('comment:created, :updated and :deleted reach the owner and the project viewer; not an outsider', async () => {
    const [owner, assignee, viewer, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api), registerUser(api)]);
    const project = (await api.post('/api/projects', { name: 'Live talk' }, { token: owner.accessToken })).body;
    for (const [user, role] of [[assignee, 'editor'], [viewer, 'viewer']] as const) {
      expect((await api.request('PUT', `/api/projects/${project.id}/members/${user.user.id}`, { body: { role }, token: owner.accessToken })).status).toBe(200);
    }
    const task = await createTask(api, owner.accessToken, { projectId: project.id });
    await assignTask(api, owner.accessToken, task.id, assignee.user.id);
    const [ownerLog, viewerLog, outsiderLog] = [await listen(owner), await listen(viewer), await listen(outsider)];

    const posted = await api.post<CommentDto>(`/api/tasks/${task.id}/comments`, { body: '<i>live</i>' }, { token: assignee.accessToken });
    expect(posted.status).toBe(201);
    const comment = posted.body;
    expect((await api.patch(`/api/tasks/${task.id}/comments/${comment.id}`, { body: 'edited' }, { token: assignee.accessToken })).status).toBe(200);
    expect((await api.delete(`/api/tasks/${task.id}/comments/${comment.id}`, { token: assignee.accessToken })).status).toBe(204);

    for (const log of [ownerLog, viewerLog]) {
      expect(await log.waitFor('comment:created', (e) => e.comment.id === comment.id, 15000)).toMatchObject({ type: 'task.commented', taskId: task.id, actorId: assignee.user.id, comment: { body: '<i>live</i>' } });
      expect(await log.waitFor('comment:updated', (e) => e.comment.id === comment.id, 15000)).toMatchObject({ comment: { body: 'edited', editedAt: expect.any(String) } });
      await log.waitFor('comment:deleted', (e) => e.comment.id === comment.id, 15000);
    }
    // Barrier: an event for the outsider alone, written after, has reached them.
    const own = await createTask(api, outsider.accessToken);
    await outsiderLog.waitFor('task:created', (e) => e.taskId === own.id, 15000);
    expect(outsiderLog.matching('comment:created')).toEqual([]);
  });
});
