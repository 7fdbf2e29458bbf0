import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProjectDto } from '#contracts';
import { Api, createTask, RealtimeStack, registerUser, type TestUser } from '#testing';

/** The whole path: tasks-service's outbox → JetStream → realtime-service → a member's socket. */
let realtime: RealtimeStack;
let api: Api;

beforeAll(async () => {
  realtime = await RealtimeStack.start(['auth-service', 'tasks-service']);
  api = realtime.api;
}, 60000);
afterEach(() => realtime.disconnectAll());
afterAll(() => realtime?.close());

const listen = (user: TestUser) => realtime.listen(user);

describe('project realtime, end to end', () => {
  it('a member gets the project task events and project events; once removed, project:removed and nothing more', async () => {
    const [manager, member] = await Promise.all([registerUser(api), registerUser(api)]);
    const managerLog = await listen(manager);
    const memberLog = await listen(member);
    const project = (await api.post<ProjectDto>('/api/projects', { name: 'Live' }, { token: manager.accessToken })).body;
    await api.request('PUT', `/api/projects/${project.id}/members/${member.user.id}`, { body: { role: 'viewer' }, token: manager.accessToken });
    await memberLog.waitFor('project:member_added', (e) => e.projectId === project.id, 15000);

    const task = await createTask(api, manager.accessToken, { title: 'Live task', projectId: project.id });
    const created = await memberLog.waitFor('task:created', (e) => e.taskId === task.id, 15000);
    expect(created).toMatchObject({ projectId: project.id, task: { projectId: project.id } });
    expect(created).not.toHaveProperty('audience');
    expect(await memberLog.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });

    expect((await api.delete(`/api/projects/${project.id}/members/${member.user.id}`, { token: manager.accessToken })).status).toBe(204);
    expect(await memberLog.waitFor('project:removed', () => true, 15000)).toEqual({ projectId: project.id });
    await managerLog.waitFor('project:member_removed', (e) => e.projectId === project.id, 15000);

    const renamed = await api.patch(`/api/tasks/${task.id}`, { title: 'After the removal', version: 1 }, { token: manager.accessToken });
    expect(renamed.status).toBe(200);
    await managerLog.waitFor('task:updated', (e) => e.taskId === task.id && e.task.title === 'After the removal', 15000);
    // Barrier: an event for the removed member, written after the rename, has reached them.
    const own = await createTask(api, member.accessToken, { title: 'Own task' });
    await memberLog.waitFor('task:created', (e) => e.taskId === own.id, 15000);
    expect(memberLog.matching('task:updated', (e) => e.taskId === task.id)).toEqual([]);
  });
});
