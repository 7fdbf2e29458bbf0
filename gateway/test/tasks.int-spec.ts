import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, TEST_ADMIN, assignTask, createTask, registerUser, startStack, type Stack, type TestUser } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(admin.status).toBe(200);
  expect(admin.body.user.role).toBe('admin');
  adminToken = admin.body.accessToken;
});
afterAll(() => stack?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const errorShape = (statusCode: number) => ({ statusCode, error: expect.any(String), message: expect.anything(), requestId: expect.any(String) });

/** Owner, assignee and outsider around one task, all fresh. */
async function trio(body: Record<string, unknown> = {}) {
  const [owner, assignee, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
  const created = await createTask(api, owner.accessToken, { title: 'Shared task', ...body });
  const task = await assignTask(api, owner.accessToken, created.id, assignee.user.id);
  return { owner, assignee, outsider, task };
}

const patch = (user: TestUser | string, id: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  api.patch(`/api/tasks/${id}`, body, { token: typeof user === 'string' ? user : user.accessToken, headers });

describe('POST /api/tasks', () => {
  it('creates a task owned by the caller with the defaults, answers 201 with the task and its ETag', async () => {
    const owner = await registerUser(api);
    const response = await api.post('/api/tasks', { title: '  Write the spec  ' }, { token: owner.accessToken });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(
      ['assigneeIds', 'createdAt', 'description', 'dueDate', 'id', 'ownerId', 'priority', 'projectId', 'status', 'title', 'updatedAt', 'version'].sort(),
    );
    expect(response.body).toEqual({
      id: expect.stringMatching(UUID),
      title: 'Write the spec',
      description: '',
      status: 'todo',
      priority: 'medium',
      dueDate: null,
      ownerId: owner.user.id,
      assigneeIds: [],
      projectId: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('keeps every given field', async () => {
    const owner = await registerUser(api);
    const body = { title: 'Full', description: 'All of it', status: 'in_progress', priority: 'urgent', dueDate: '2031-05-06T07:08:09.000Z' };
    const response = await api.post('/api/tasks', body, { token: owner.accessToken });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject(body);
    expect(new Date(response.body.dueDate).getTime()).toBe(Date.parse(body.dueDate));
    const read = await api.get(`/api/tasks/${response.body.id}`, { token: owner.accessToken });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
    expect(read.headers.get('etag')).toBe(`"${read.body.version}"`);
  });

  it('needs an access token on every tasks route', async () => {
    const id = randomUUID();
    for (const [method, path] of [
      ['POST', '/api/tasks'],
      ['GET', '/api/tasks'],
      ['GET', `/api/tasks/${id}`],
      ['PATCH', `/api/tasks/${id}`],
      ['DELETE', `/api/tasks/${id}`],
      ['POST', `/api/tasks/${id}/assignees`],
      ['DELETE', `/api/tasks/${id}/assignees/${id}`],
      ['GET', `/api/tasks/${id}/activity`],
    ] as const) {
      const response = await api.request(method, path, method === 'POST' || method === 'PATCH' ? { body: { title: 'x', userId: id, version: 1 } } : {});
      expect([method, path, response.status]).toEqual([method, path, 401]);
    }
  });
});

describe('validation', () => {
  let user: TestUser;
  let taskId: string;
  beforeAll(async () => {
    user = await registerUser(api);
    taskId = (await createTask(api, user.accessToken, { title: 'Validation target' })).id;
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a blank title', { title: '    ' }],
    ['a 201-character title', { title: 'x'.repeat(201) }],
    ['a missing title', { description: 'no title' }],
    ['a 10,001-character description', { title: 'ok', description: 'x'.repeat(10_001) }],
    ['a bad status', { title: 'ok', status: 'finished' }],
    ['a bad priority', { title: 'ok', priority: 'critical' }],
    ['a bad date', { title: 'ok', dueDate: '2024-13-45' }],
    ['a date that is not ISO 8601', { title: 'ok', dueDate: 'tomorrow' }],
    ['a number for a date', { title: 'ok', dueDate: 1700000000000 }],
    ['an unknown field', { title: 'ok', colour: 'red' }],
    ['an ownerId', { title: 'ok', ownerId: randomUUID() }],
    ['a version', { title: 'ok', version: 5 }],
    ['an id', { title: 'ok', id: randomUUID() }],
    ['assigneeIds', { title: 'ok', assigneeIds: [randomUUID()] }],
    ['an object for the title', { title: { $gt: '' } }],
    ['an array for the title', { title: ['a', 'b'] }],
    ['an object for the description', { title: 'ok', description: { $ne: null } }],
    ['a number for the title', { title: 42 }],
  ])('create refuses %s with 400', async (_case, body) => {
    const response = await api.post('/api/tasks', body, { token: user.accessToken });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(Array), requestId: expect.any(String) });
  });

  it('accepts the limits themselves: 1 and 200 title characters, 10,000 description characters', async () => {
    for (const body of [{ title: 'x' }, { title: 'y'.repeat(200), description: 'z'.repeat(10_000) }]) {
      const response = await api.post('/api/tasks', body, { token: user.accessToken });
      expect(response.status).toBe(201);
      expect(response.body.title).toBe(body.title);
    }
  });

  it.each([
    ['an empty title', { title: '', version: 1 }],
    ['a 201-character title', { title: 'x'.repeat(201), version: 1 }],
    ['a bad status', { status: 'closed', version: 1 }],
    ['a bad date', { dueDate: '31/12/2030', version: 1 }],
    ['a string version', { title: 'ok', version: '1' }],
    ['version 0', { title: 'ok', version: 0 }],
    ['a fractional version', { title: 'ok', version: 1.5 }],
    ['an unknown field', { title: 'ok', version: 1, ownerId: randomUUID() }],
    ['assigneeIds', { assigneeIds: [], version: 1 }],
    ['an object for a string', { title: { $gt: '' }, version: 1 }],
  ])('update refuses %s with 400', async (_case, body) => {
    const response = await patch(user, taskId, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape(400));
  });

  it('answers 400 for a bad uuid in any path, before reaching the service', async () => {
    const token = user.accessToken;
    const responses = await Promise.all([
      api.get('/api/tasks/not-a-uuid', { token }),
      api.patch('/api/tasks/123', { title: 'x', version: 1 }, { token }),
      api.delete('/api/tasks/zzz', { token }),
      api.post('/api/tasks/nope/assignees', { userId: user.user.id }, { token }),
      api.delete(`/api/tasks/${taskId}/assignees/not-a-uuid`, { token }),
      api.delete(`/api/tasks/not-a-uuid/assignees/${user.user.id}`, { token }),
      api.get('/api/tasks/%27%20OR%201=1/activity', { token }),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape(400));
    }
  });

  it.each([
    ['a bad uuid', { userId: 'someone' }],
    ['a missing userId', {}],
    ['an object', { userId: { $gt: '' } }],
    ['an unknown field', { userId: randomUUID(), role: 'owner' }],
  ])('assign refuses %s with 400', async (_case, body) => {
    const response = await api.post(`/api/tasks/${taskId}/assignees`, body, { token: user.accessToken });
    expect(response.status).toBe(400);
  });

  it('answers malformed JSON with 400 and never leaks internals', async () => {
    const response = await api.request('POST', '/api/tasks', { rawBody: '{"title": ', token: user.accessToken });
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/at \w+ \(|SELECT|QueryFailed|nats|stack/i);
  });
});

describe('visibility', () => {
  it('hides a task from an outsider with 404 on every route, exactly as a missing task', async () => {
    const { owner, outsider, task } = await trio();
    const token = outsider.accessToken;
    const responses = {
      get: await api.get(`/api/tasks/${task.id}`, { token }),
      patch: await patch(outsider, task.id, { status: 'done', version: task.version }),
      delete: await api.delete(`/api/tasks/${task.id}`, { token }),
      assign: await api.post(`/api/tasks/${task.id}/assignees`, { userId: outsider.user.id }, { token }),
      unassign: await api.delete(`/api/tasks/${task.id}/assignees/${owner.user.id}`, { token }),
      activity: await api.get(`/api/tasks/${task.id}/activity`, { token }),
    };
    const missing = await api.get(`/api/tasks/${MISSING_ID}`, { token });
    expect(missing.status).toBe(404);
    for (const [route, response] of Object.entries(responses)) {
      expect([route, response.status]).toEqual([route, 404]);
      expect(response.body).toEqual(errorShape(404));
      expect(response.body.message).toEqual(missing.body.message);
    }
    // Nothing changed, and the outsider's list does not have it.
    const after = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(task);
    const list = await api.get(`/api/tasks?limit=100`, { token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('shows the task to its owner, its assignee and an admin', async () => {
    const { owner, assignee, task } = await trio();
    for (const token of [owner.accessToken, assignee.accessToken, adminToken]) {
      const response = await api.get(`/api/tasks/${task.id}`, { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(task);
    }
    expect(task.assigneeIds).toEqual([assignee.user.id]);
  });

  it('stops showing the task to an assignee once unassigned', async () => {
    const { owner, assignee, task } = await trio();
    const response = await api.delete(`/api/tasks/${task.id}/assignees/${assignee.user.id}`, { token: owner.accessToken });
    expect(response.status).toBe(200);
    expect(response.body.assigneeIds).toEqual([]);
    expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
    expect((await api.get(`/api/tasks/${task.id}`, { token: assignee.accessToken })).status).toBe(404);
  });

  it('answers 404 for a task that does not exist', async () => {
    const user = await registerUser(api);
    expect((await api.get(`/api/tasks/${MISSING_ID}`, { token: user.accessToken })).status).toBe(404);
    expect((await patch(user, MISSING_ID, { title: 'x', version: 1 })).status).toBe(404);
    expect((await api.delete(`/api/tasks/${MISSING_ID}`, { token: user.accessToken })).status).toBe(404);
  });
});

describe('permissions', () => {
  it('lets an assignee change the status (200) and nothing else (403)', async () => {
    const { assignee, task } = await trio();
    const ok = await patch(assignee, task.id, { status: 'in_progress', version: task.version });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: task.id, status: 'in_progress', version: task.version + 1, title: task.title });

    for (const body of [{ title: 'Mine now' }, { description: 'x' }, { priority: 'urgent' }, { dueDate: null }, { status: 'done', title: 'Also' }]) {
      const response = await patch(assignee, task.id, { ...body, version: ok.body.version });
      expect([body, response.status]).toEqual([body, 403]);
      expect(response.body).toEqual(errorShape(403));
    }
    const after = await api.get(`/api/tasks/${task.id}`, { token: assignee.accessToken });
    expect(after.body).toEqual(ok.body);
  });

  it('refuses delete, assign and unassign to an assignee with 403', async () => {
    const { owner, assignee, task } = await trio();
    const other = await registerUser(api);
    expect((await api.delete(`/api/tasks/${task.id}`, { token: assignee.accessToken })).status).toBe(403);
    expect((await api.post(`/api/tasks/${task.id}/assignees`, { userId: other.user.id }, { token: assignee.accessToken })).status).toBe(403);
    const second = await assignTask(api, owner.accessToken, task.id, other.user.id);
    expect((await api.delete(`/api/tasks/${task.id}/assignees/${other.user.id}`, { token: assignee.accessToken })).status).toBe(403);
    const after = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(second);
    expect([...after.body.assigneeIds].sort()).toEqual([assignee.user.id, other.user.id].sort());
  });

  it('lets the owner change every field', async () => {
    const { owner, task } = await trio();
    const body = { title: 'Renamed', description: 'Now with words', status: 'done', priority: 'low', dueDate: '2030-01-02T03:04:05.000Z' };
    const response = await patch(owner, task.id, { ...body, version: task.version });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ...body, version: task.version + 1, ownerId: owner.user.id });
    expect(response.headers.get('etag')).toBe(`"${task.version + 1}"`);
    const cleared = await patch(owner, task.id, { dueDate: null, version: response.body.version });
    expect(cleared.status).toBe(200);
    expect(cleared.body.dueDate).toBeNull();
  });

  it("lets an admin change, (un)assign and delete someone else's task", async () => {
    const { owner, assignee, task } = await trio();
    const changed = await patch(adminToken, task.id, { title: 'Admin was here', version: task.version });
    expect(changed.status).toBe(200);
    expect(changed.body.title).toBe('Admin was here');
    const unassigned = await api.delete(`/api/tasks/${task.id}/assignees/${assignee.user.id}`, { token: adminToken });
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.assigneeIds).toEqual([]);
    const reassigned = await api.post(`/api/tasks/${task.id}/assignees`, { userId: assignee.user.id }, { token: adminToken });
    expect(reassigned.status).toBe(201);
    expect(reassigned.body.assigneeIds).toEqual([assignee.user.id]);
    const deleted = await api.delete(`/api/tasks/${task.id}`, { token: adminToken });
    expect(deleted.status).toBe(204);
    expect((await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken })).status).toBe(404);
  });
});

describe('assignees', () => {
  it('assigning answers 201 with the task; assigning an unknown user is refused', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken);
    const unknown = await api.post(`/api/tasks/${task.id}/assignees`, { userId: MISSING_ID }, { token: owner.accessToken });
    expect([400, 404]).toContain(unknown.status);
    expect(unknown.body).toEqual(errorShape(unknown.status));
    const mate = await registerUser(api);
    const response = await api.post(`/api/tasks/${task.id}/assignees`, { userId: mate.user.id }, { token: owner.accessToken });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: task.id, assigneeIds: [mate.user.id] });
    expect(response.body.version).toBeGreaterThan(task.version);
    expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
  });

  it('unassigning someone who is not assigned does not add or remove anyone else', async () => {
    const { owner, assignee, task } = await trio();
    const stranger = await registerUser(api);
    const response = await api.delete(`/api/tasks/${task.id}/assignees/${stranger.user.id}`, { token: owner.accessToken });
    expect([200, 404]).toContain(response.status);
    const after = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(after.body.assigneeIds).toEqual([assignee.user.id]);
  });
});

describe('DELETE /api/tasks/:id', () => {
  it('answers 204 with no body, then the task is gone for everyone', async () => {
    const { owner, assignee, task } = await trio();
    const response = await api.delete(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    for (const token of [owner.accessToken, assignee.accessToken, adminToken]) {
      expect((await api.get(`/api/tasks/${task.id}`, { token })).status).toBe(404);
    }
    expect((await api.delete(`/api/tasks/${task.id}`, { token: owner.accessToken })).status).toBe(404);
  });
});

describe('optimistic concurrency', () => {
  it('lets exactly one of two racing PATCHes with the same version win; the other gets 409 with the current task', async () => {
    const { owner, assignee, task } = await trio();
    const [a, b] = await Promise.all([
      patch(owner, task.id, { title: 'Owner wins', version: task.version }),
      patch(assignee, task.id, { status: 'done', version: task.version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(winner.body.version).toBe(task.version + 1);
    expect(loser.body).toEqual({ ...errorShape(409), error: 'Conflict', current: winner.body });
    expect(loser.headers.get('etag')).toBe(`"${winner.body.version}"`);
    const now = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(now.body).toEqual(winner.body);
  });

  it('refuses a stale version with 409 and accepts the retry with the current one', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken, { title: 'v1' });
    const first = await patch(owner, task.id, { title: 'v2', version: task.version });
    expect(first.status).toBe(200);
    const stale = await patch(owner, task.id, { title: 'v2-again', version: task.version });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toEqual(first.body);
    const retry = await patch(owner, task.id, { title: 'v3', version: stale.body.current.version });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ title: 'v3', version: task.version + 2 });
    const ahead = await patch(owner, task.id, { title: 'from the future', version: retry.body.version + 5 });
    expect(ahead.status).toBe(409);
  });

  it('takes the version from If-Match as "3", 3 or W/"3", and from the ETag of the last read', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken, { title: 'etag' });
    const read = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    let etag = read.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const quoted = await patch(owner, task.id, { title: 'two' }, { 'If-Match': etag });
    expect(quoted.status).toBe(200);
    expect(quoted.headers.get('etag')).toBe('"2"');
    const bare = await patch(owner, task.id, { title: 'three' }, { 'If-Match': '2' });
    expect(bare.status).toBe(200);
    const weak = await patch(owner, task.id, { title: 'four' }, { 'If-Match': 'W/"3"' });
    expect(weak.status).toBe(200);
    expect(weak.body).toMatchObject({ title: 'four', version: 4 });
    etag = weak.headers.get('etag')!;
    const both = await patch(owner, task.id, { title: 'five', version: 4 }, { 'If-Match': etag });
    expect(both.status).toBe(200);
    const stale = await patch(owner, task.id, { title: 'stale' }, { 'If-Match': '"4"' });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ title: 'five', version: 5 });
  });

  it('answers 400 when the body version and If-Match disagree, or If-Match is not a version', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken);
    const disagree = await patch(owner, task.id, { title: 'x', version: 1 }, { 'If-Match': '"2"' });
    expect(disagree.status).toBe(400);
    expect(disagree.body).toEqual(errorShape(400));
    for (const value of ['*', 'abc', '"1", "2"', '"0"', '"-1"']) {
      const response = await patch(owner, task.id, { title: 'x' }, { 'If-Match': value });
      expect([value, response.status]).toEqual([value, 400]);
    }
    const unchanged = await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken });
    expect(unchanged.body).toEqual(task);
  });

  it('answers 428 Precondition Required without any version', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken);
    const response = await patch(owner, task.id, { title: 'blind write' });
    expect(response.status).toBe(428);
    expect(response.body).toEqual({ statusCode: 428, error: 'Precondition Required', message: expect.stringMatching(/version.*If-Match/), requestId: expect.any(String) });
    expect((await api.get(`/api/tasks/${task.id}`, { token: owner.accessToken })).body.title).toBe(task.title);
  });
});

describe('GET /api/tasks/:id/activity', () => {
  it('checks visibility first, then asks events-service (not running in this stack: 503, never a hang)', async () => {
    const { owner, outsider, task } = await trio();
    expect((await api.get(`/api/tasks/${task.id}/activity`, { token: outsider.accessToken })).status).toBe(404);
    expect((await api.get(`/api/tasks/${MISSING_ID}/activity`, { token: owner.accessToken })).status).toBe(404);
    const started = Date.now();
    const response = await api.get(`/api/tasks/${task.id}/activity?limit=5`, { token: owner.accessToken });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), requestId: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('validates its paging query', async () => {
    const owner = await registerUser(api);
    const task = await createTask(api, owner.accessToken);
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%24%24%24', 'extra=1']) {
      expect([query, (await api.get(`/api/tasks/${task.id}/activity?${query}`, { token: owner.accessToken })).status]).toEqual([query, 400]);
    }
  });
});

describe('OpenAPI', () => {
  it('documents every tasks route with its body, query, responses and errors', async () => {
    const doc = (await api.get('/api/docs-json')).body;
    const paths = doc.paths as Record<string, Record<string, any>>;
    const routes = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/tasks',
        'GET /api/tasks',
        'GET /api/tasks/{id}',
        'PATCH /api/tasks/{id}',
        'DELETE /api/tasks/{id}',
        'POST /api/tasks/{id}/assignees',
        'DELETE /api/tasks/{id}/assignees/{userId}',
        'GET /api/tasks/{id}/activity',
      ]),
    );
    expect(JSON.stringify(paths['/api/tasks']!.post.requestBody)).toMatch(/CreateTaskBody/);
    expect(JSON.stringify(paths['/api/tasks']!.post.responses['201'])).toMatch(/TaskDto/);
    const listParams = (paths['/api/tasks']!.get.parameters as { name: string }[]).map((p) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(['status', 'priority', 'assigneeId', 'ownerId', 'q', 'dueBefore', 'dueAfter', 'sort', 'order', 'limit', 'cursor']));
    expect(JSON.stringify(paths['/api/tasks']!.get.responses['200'])).toMatch(/TaskPageDto/);
    const update = paths['/api/tasks/{id}']!.patch;
    expect(JSON.stringify(update.requestBody)).toMatch(/UpdateTaskBody/);
    expect((update.parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'header:If-Match']));
    expect(Object.keys(update.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '428']));
    expect(JSON.stringify(update.responses['409'])).toMatch(/TaskConflictResponseDto/);
    expect(update.security).toEqual([{ bearer: [] }]);
    expect(JSON.stringify(paths['/api/tasks/{id}/activity']!.get.responses['200'])).toMatch(/EventLogPageDto/);
  });
});
