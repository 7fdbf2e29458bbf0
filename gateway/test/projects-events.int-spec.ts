import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventLogDto, NotificationDto, ProjectDto } from '#contracts';
import { Api, startEventsStack, TEST_ADMIN, createTask, registerUser, waitFor, type Stack, type TestUser } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  stack = await startEventsStack();
  api = new Api(stack.baseUrl);
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  adminToken = admin.body.accessToken;
}, 180_000);
afterAll(() => stack?.close());

async function ok<T = any>(path: string, token: string): Promise<T> {
  const response = await api.get<T>(path, { token });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
  return response.body;
}
const events = (user: TestUser | string, query = '') =>
  ok<{ items: EventLogDto[] }>(`/api/events${query}`, typeof user === 'string' ? user : user.accessToken).then((page) => page.items);
const notifications = (user: TestUser) => ok<{ items: NotificationDto[] }>('/api/notifications', user.accessToken).then((page) => page.items);
const setMember = (by: TestUser, projectId: string, user: TestUser, role: string) =>
  api.request('PUT', `/api/projects/${projectId}/members/${user.user.id}`, { body: { role }, token: by.accessToken });

describe('project events, notifications and the event log', () => {
  it('logs project events, notifies added and re-roled members, and follows membership in GET /api/events', async () => {
    const [manager, editor, viewer] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const project = (await api.post<ProjectDto>('/api/projects', { name: 'Evented' }, { token: manager.accessToken })).body;
    expect((await setMember(manager, project.id, editor, 'editor')).status).toBe(200);
    const task = await createTask(api, editor.accessToken, { title: 'Before the viewer joined', projectId: project.id });

    // Added later: notified, and sees the project's history, the task created before included.
    expect((await setMember(manager, project.id, viewer, 'viewer')).status).toBe(200);
    const added = await waitFor(async () => (await notifications(viewer)).find((n) => n.type === 'project.member_added'), 15000, 'member_added notification');
    expect(added).toMatchObject({ taskId: null, taskTitle: null, projectId: project.id, projectName: 'Evented', actorId: manager.user.id, read: false });
    await waitFor(async () => (await events(viewer, `?taskId=${task.id}`)).some((e) => e.type === 'task.created'), 15000, 'the history shared with the new member');
    const created = (await events(viewer, `?taskId=${task.id}`)).find((e) => e.type === 'task.created')!;
    expect(created.projectId).toBe(project.id);

    expect((await setMember(manager, project.id, viewer, 'editor')).status).toBe(200);
    const changed = await waitFor(async () => (await notifications(viewer)).find((n) => n.type === 'project.member_role_changed'), 15000, 'role_changed notification');
    expect(changed.changes).toEqual({ role: { from: 'viewer', to: 'editor' } });
    // The manager changed nothing about themself: no notification of it.
    expect((await notifications(manager)).filter((n) => n.type.startsWith('project.'))).toEqual([]);

    const logged = await waitFor(async () => {
      const all = await events(adminToken, `?type=project.created,project.member_added,project.member_role_changed&limit=100`);
      const mine = all.filter((e) => e.projectId === project.id);
      return mine.length === 4 ? mine : undefined;
    }, 15000, 'the project events in the log');
    expect(logged.map((e) => e.type).sort()).toEqual(['project.created', 'project.member_added', 'project.member_added', 'project.member_role_changed']);
    expect(logged.find((e) => e.type === 'project.created')!.project).toMatchObject({ id: project.id, name: 'Evented' });

    // Removed: the project's history leaves their event log.
    expect((await api.delete(`/api/projects/${project.id}/members/${viewer.user.id}`, { token: manager.accessToken })).status).toBe(204);
    await waitFor(async () => (await events(viewer, `?taskId=${task.id}`)).length === 0, 15000, 'the history to leave the removed member');
    expect((await api.get(`/api/tasks/${task.id}/activity`, { token: viewer.accessToken })).status).toBe(404);
    // The other members' activity is intact.
    expect((await ok<{ items: EventLogDto[] }>(`/api/tasks/${task.id}/activity`, editor.accessToken)).items.map((e) => e.type)).toContain('task.created');
  });
});
