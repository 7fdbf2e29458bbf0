import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, TEST_ADMIN, createTask, registerUser, startStack, type Stack, type TestUser } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(admin.status).toBe(200);
  adminToken = admin.body.accessToken;
});
afterAll(() => stack?.close());

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const errorShape = (statusCode: number) => ({ statusCode, error: expect.any(String), message: expect.anything(), requestId: expect.any(String) });
type Who = 'manager' | 'editor' | 'viewer' | 'outsider' | 'admin';

/** A project with one member of each role, an outsider, and tokens by role. */
async function team() {
  const [manager, editor, viewer, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api), registerUser(api)]);
  const created = await api.post('/api/projects', { name: '  Launch  ', description: 'Ship it' }, { token: manager.accessToken });
  expect(created.status).toBe(201);
  for (const [user, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
    const added = await api.request('PUT', `/api/projects/${created.body.id}/members/${user.user.id}`, { body: { role }, token: manager.accessToken });
    expect(added.status).toBe(200);
  }
  const token: Record<Who, string> = {
    manager: manager.accessToken,
    editor: editor.accessToken,
    viewer: viewer.accessToken,
    outsider: outsider.accessToken,
    admin: adminToken,
  };
  return { manager, editor, viewer, outsider, project: created.body, token };
}

describe('projects over HTTP', () => {
  it('creates with 201, trims the name, and answers the project with an ETag', async () => {
    const { manager, project } = await team();
    expect(project).toEqual({
      id: expect.any(String),
      name: 'Launch',
      description: 'Ship it',
      ownerId: manager.user.id,
      myRole: 'manager',
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await api.get(`/api/projects/${project.id}`, { token: manager.accessToken });
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('refuses bad input with 400: empty or long names, unknown fields, bad roles, bad uuids', async () => {
    const { project, token, outsider } = await team();
    for (const body of [{ name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', description: 'x'.repeat(2001) }, { name: 'ok', ownerId: MISSING_ID }, { name: { $gt: '' } }]) {
      const response = await api.post('/api/projects', body, { token: token.manager });
      expect([body, response.status]).toEqual([body, 400]);
      expect(response.body).toEqual(errorShape(400));
    }
    expect((await api.request('PUT', `/api/projects/${project.id}/members/${outsider.user.id}`, { body: { role: 'owner' }, token: token.manager })).status).toBe(400);
    expect((await api.request('PUT', `/api/projects/${project.id}/members/${MISSING_ID}`, { body: { role: 'viewer' }, token: token.manager })).status).toBe(400);
    expect((await api.get('/api/projects/not-a-uuid', { token: token.manager })).status).toBe(400);
    expect((await api.get('/api/tasks?projectId=nope', { token: token.manager })).status).toBe(400);
    expect((await api.patch(`/api/projects/${project.id}`, { name: 'No version' }, { token: token.manager })).status).toBe(428);
    expect((await api.get('/api/projects')).status).toBe(401);
  });

  it('applies the role matrix to project routes: 404 for outsiders, 403 below manager', async () => {
    const { project, token } = await team();
    const expected: Record<string, Record<Who, number>> = {
      get: { manager: 200, editor: 200, viewer: 200, outsider: 404, admin: 200 },
      members: { manager: 200, editor: 200, viewer: 200, outsider: 404, admin: 200 },
      patch: { manager: 200, editor: 403, viewer: 403, outsider: 404, admin: 200 },
      delete: { manager: 204, editor: 403, viewer: 403, outsider: 404, admin: 204 },
    };
    for (const who of ['editor', 'viewer', 'outsider', 'manager', 'admin'] as Who[]) {
      expect([who, 'get', (await api.get(`/api/projects/${project.id}`, { token: token[who] })).status]).toEqual([who, 'get', expected.get![who]]);
      expect([who, 'members', (await api.get(`/api/projects/${project.id}/members`, { token: token[who] })).status]).toEqual([who, 'members', expected.members![who]]);
      const current = (await api.get(`/api/projects/${project.id}`, { token: adminToken })).body;
      const patched = await api.patch(`/api/projects/${project.id}`, { name: `By ${who}` }, { token: token[who], headers: { 'if-match': `"${current.version}"` } });
      expect([who, 'patch', patched.status]).toEqual([who, 'patch', expected.patch![who]]);
    }
    for (const who of ['editor', 'viewer', 'outsider'] as Who[]) {
      expect([who, 'delete', (await api.delete(`/api/projects/${project.id}`, { token: token[who] })).status]).toEqual([who, 'delete', expected.delete![who]]);
    }
    expect((await api.delete(`/api/projects/${project.id}`, { token: token.manager })).status).toBe(204);
    expect((await api.get(`/api/projects/${project.id}`, { token: token.admin })).status).toBe(404);
  });

  it('answers 409 with the current project on a stale version, and for the last manager', async () => {
    const { manager, project, token } = await team();
    expect((await api.patch(`/api/projects/${project.id}`, { name: 'First', version: 1 }, { token: token.manager })).status).toBe(200);
    const stale = await api.patch(`/api/projects/${project.id}`, { name: 'Second', version: 1 }, { token: token.manager });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ name: 'First', version: 2 });
    expect(stale.headers.get('etag')).toBe('"2"');

    const demote = await api.request('PUT', `/api/projects/${project.id}/members/${manager.user.id}`, { body: { role: 'viewer' }, token: token.manager });
    expect(demote.status).toBe(409);
    expect((await api.delete(`/api/projects/${project.id}/members/${manager.user.id}`, { token: token.manager })).status).toBe(409);
  });

  it('lists members with name, email, role and addedAt; members may leave on their own', async () => {
    const { manager, editor, viewer, project, token } = await team();
    const page = await api.get(`/api/projects/${project.id}/members?limit=2`, { token: token.viewer });
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      { userId: manager.user.id, name: manager.name, email: manager.email, role: 'manager', addedAt: expect.any(String) },
      { userId: editor.user.id, name: editor.name, email: editor.email, role: 'editor', addedAt: expect.any(String) },
    ]);
    const next = await api.get(`/api/projects/${project.id}/members?limit=2&cursor=${page.body.nextCursor}`, { token: token.viewer });
    expect(next.body).toEqual({ items: [expect.objectContaining({ userId: viewer.user.id, role: 'viewer' })], nextCursor: null });
    expect((await api.delete(`/api/projects/${project.id}/members/${editor.user.id}`, { token: token.viewer })).status).toBe(403);
    expect((await api.delete(`/api/projects/${project.id}/members/${viewer.user.id}`, { token: token.viewer })).status).toBe(204);
    expect((await api.get(`/api/projects/${project.id}`, { token: token.viewer })).status).toBe(404);
  });

  it('lists the caller’s projects (admins: all), with q and cursor paging', async () => {
    const { project, token } = await team();
    const mine = await api.get('/api/projects', { token: token.editor });
    expect(mine.body).toEqual({ items: [expect.objectContaining({ id: project.id, myRole: 'editor' })], nextCursor: null });
    expect((await api.get('/api/projects', { token: token.outsider })).body.items).toEqual([]);
    expect((await api.get('/api/projects?q=launch', { token: token.viewer })).body.items).toHaveLength(1);
    const all = await api.get('/api/projects?limit=100', { token: adminToken });
    expect(all.body.items.map((p: { id: string }) => p.id)).toContain(project.id);
  });
});

describe('project tasks over HTTP', () => {
  it('applies the role matrix to task routes', async () => {
    const { project, token, viewer, outsider } = await team();
    const expectStatus = async (label: string, who: Who, status: number, response: Promise<{ status: number }>) =>
      expect([label, who, (await response).status]).toEqual([label, who, status]);

    await expectStatus('create', 'viewer', 403, api.post('/api/tasks', { title: 'x', projectId: project.id }, { token: token.viewer }));
    await expectStatus('create', 'outsider', 404, api.post('/api/tasks', { title: 'x', projectId: project.id }, { token: token.outsider }));
    const task = await createTask(api, token.editor, { title: 'Project task', projectId: project.id });
    expect(task.projectId).toBe(project.id);
    for (const [who, status] of [['manager', 200], ['editor', 200], ['viewer', 200], ['outsider', 404], ['admin', 200]] as [Who, number][]) {
      await expectStatus('get', who, status, api.get(`/api/tasks/${task.id}`, { token: token[who] }));
    }
    await expectStatus('patch', 'viewer', 403, api.patch(`/api/tasks/${task.id}`, { status: 'done', version: 1 }, { token: token.viewer }));
    await expectStatus('patch', 'outsider', 404, api.patch(`/api/tasks/${task.id}`, { status: 'done', version: 1 }, { token: token.outsider }));
    await expectStatus('assign', 'editor', 400, api.post(`/api/tasks/${task.id}/assignees`, { userId: outsider.user.id }, { token: token.editor }));
    await expectStatus('assign', 'viewer', 403, api.post(`/api/tasks/${task.id}/assignees`, { userId: viewer.user.id }, { token: token.viewer }));
    await expectStatus('assign', 'editor', 201, api.post(`/api/tasks/${task.id}/assignees`, { userId: viewer.user.id }, { token: token.editor }));
    await expectStatus('patch title', 'viewer', 403, api.patch(`/api/tasks/${task.id}`, { title: 'mine', version: 2 }, { token: token.viewer }));
    await expectStatus('patch status', 'viewer', 200, api.patch(`/api/tasks/${task.id}`, { status: 'done', version: 2 }, { token: token.viewer }));
    await expectStatus('patch', 'manager', 200, api.patch(`/api/tasks/${task.id}`, { title: 'Managed', version: 3 }, { token: token.manager }));
    await expectStatus('patch', 'admin', 200, api.patch(`/api/tasks/${task.id}`, { priority: 'high', version: 4 }, { token: token.admin }));
    const other = await createTask(api, token.manager, { title: 'Not the editor’s', projectId: project.id });
    await expectStatus('delete', 'editor', 403, api.delete(`/api/tasks/${other.id}`, { token: token.editor }));
    await expectStatus('delete', 'viewer', 403, api.delete(`/api/tasks/${other.id}`, { token: token.viewer }));
    await expectStatus('delete', 'outsider', 404, api.delete(`/api/tasks/${other.id}`, { token: token.outsider }));
    await expectStatus('delete', 'manager', 204, api.delete(`/api/tasks/${other.id}`, { token: token.manager }));
    await expectStatus('activity', 'outsider', 404, api.get(`/api/tasks/${task.id}/activity`, { token: token.outsider }));
  });

  it('filters lists by projectId or none; a removed member gets 404 and no cached list shows the project', async () => {
    const { manager, viewer, project, token } = await team();
    const own = await createTask(api, token.viewer, { title: 'Own' });
    const shared = await createTask(api, token.manager, { title: 'Shared', projectId: project.id });
    const ids = async (query = '') => ((await api.get(`/api/tasks${query}`, { token: token.viewer })).body.items as { id: string }[]).map((t) => t.id);
    expect((await ids()).sort()).toEqual([own.id, shared.id].sort());
    expect(await ids(`?projectId=${project.id}`)).toEqual([shared.id]);
    expect(await ids('?projectId=none')).toEqual([own.id]);

    expect((await api.delete(`/api/projects/${project.id}/members/${viewer.user.id}`, { token: manager.accessToken })).status).toBe(204);
    expect((await api.get(`/api/tasks/${shared.id}`, { token: token.viewer })).status).toBe(404);
    expect(await ids()).toEqual([own.id]);
    expect(await ids(`?projectId=${project.id}`)).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents every projects route and projectId on tasks', async () => {
    const doc = (await api.get('/api/docs-json')).body;
    const paths = doc.paths as Record<string, Record<string, any>>;
    const routes = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/projects',
        'GET /api/projects',
        'GET /api/projects/{id}',
        'PATCH /api/projects/{id}',
        'DELETE /api/projects/{id}',
        'GET /api/projects/{id}/members',
        'PUT /api/projects/{id}/members/{userId}',
        'DELETE /api/projects/{id}/members/{userId}',
      ]),
    );
    expect(JSON.stringify(paths['/api/projects']!.post.requestBody)).toMatch(/CreateProjectBody/);
    expect(JSON.stringify(paths['/api/projects/{id}']!.patch.responses['409'])).toMatch(/ProjectConflictResponseDto/);
    expect(JSON.stringify(paths['/api/projects/{id}/members']!.get.responses['200'])).toMatch(/ProjectMemberPageDto/);
    expect((paths['/api/tasks']!.get.parameters as { name: string }[]).map((p) => p.name)).toContain('projectId');
    expect(doc.components.schemas.TaskDto.properties.projectId).toBeDefined();
  });
});
