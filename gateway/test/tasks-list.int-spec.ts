import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CreateTaskBody, TaskDto } from '#contracts';
import { Api, TEST_ADMIN, assignTask, createTask, registerUser, startStack, type Stack, type TestUser } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  adminToken = (await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password })).body.accessToken;
});
afterAll(() => stack?.close());

/** A tag no other test (or earlier run) has used, to put in titles and filter by `q`. */
const newTag = () => `tg${randomUUID().replace(/-/g, '').slice(0, 12)}`;

async function list(token: string, query: string): Promise<{ items: TaskDto[]; nextCursor: string | null }> {
  const response = await api.get(`/api/tasks?${query}`, { token });
  if (response.status !== 200) throw new Error(`GET /api/tasks?${query} gave ${response.status}: ${response.text}`);
  expect(Object.keys(response.body).sort()).toEqual(['items', 'nextCursor']);
  return response.body;
}
const ids = (page: { items: TaskDto[] }) => page.items.map((t) => t.id);
const titles = (page: { items: TaskDto[] }) => page.items.map((t) => t.title);
const sorted = (values: string[]) => [...values].sort();

describe('GET /api/tasks: what the caller can see', () => {
  it('lists own and assigned tasks only, newest first by default; an admin sees everyone’s', async () => {
    const [alice, bob] = await Promise.all([registerUser(api), registerUser(api)]);
    const tag = newTag();
    const a1 = await createTask(api, alice.accessToken, { title: `${tag} a1` });
    const b1 = await createTask(api, bob.accessToken, { title: `${tag} b1` });
    const b2 = await createTask(api, bob.accessToken, { title: `${tag} b2` });
    await assignTask(api, bob.accessToken, b2.id, alice.user.id);
    const a2 = await createTask(api, alice.accessToken, { title: `${tag} a2` });

    const page = await list(alice.accessToken, 'limit=100');
    expect(ids(page)).toEqual([a2.id, b2.id, a1.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[1]).toMatchObject({ id: b2.id, ownerId: bob.user.id, assigneeIds: [alice.user.id] });
    expect(ids(await list(bob.accessToken, 'limit=100'))).toEqual([b2.id, b1.id]);
    expect(sorted(ids(await list(adminToken, `q=${tag}`)))).toEqual(sorted([a1.id, a2.id, b1.id, b2.id]));
  });
});

describe('GET /api/tasks filters', () => {
  let owner: TestUser;
  let mate: TestUser;
  let tag: string;
  const t: Record<string, TaskDto> = {};

  beforeAll(async () => {
    [owner, mate] = await Promise.all([registerUser(api), registerUser(api)]);
    tag = newTag();
    const make = async (key: string, body: Record<string, unknown>) => (t[key] = await createTask(api, owner.accessToken, { title: `${tag} ${key}`, ...body }));
    await make('todoLow', { status: 'todo', priority: 'low', dueDate: '2030-01-10T00:00:00.000Z' });
    await make('progressHigh', { status: 'in_progress', priority: 'high', dueDate: '2030-02-10T00:00:00.000Z', description: 'Contains the Needle word' });
    await make('doneUrgent', { status: 'done', priority: 'urgent', dueDate: '2030-03-10T00:00:00.000Z' });
    await make('todoMedium', { status: 'todo', priority: 'medium', dueDate: null });
    t.todoMedium = await assignTask(api, owner.accessToken, t.todoMedium!.id, mate.user.id);
    t.progressHigh = await assignTask(api, owner.accessToken, t.progressHigh!.id, mate.user.id);
  });

  const keysOf = async (token: string, query: string) => {
    const page = await list(token, `limit=100&q=${tag}&${query}`);
    return sorted(page.items.map((task) => task.title.slice(tag.length + 1)));
  };

  it('status: one, several repeated, several comma-separated', async () => {
    expect(await keysOf(owner.accessToken, 'status=todo')).toEqual(['todoLow', 'todoMedium']);
    expect(await keysOf(owner.accessToken, 'status=todo&status=done')).toEqual(['doneUrgent', 'todoLow', 'todoMedium']);
    expect(await keysOf(owner.accessToken, 'status=todo,done')).toEqual(['doneUrgent', 'todoLow', 'todoMedium']);
    expect(await keysOf(owner.accessToken, 'status=in_progress')).toEqual(['progressHigh']);
  });

  it('priority: one and several', async () => {
    expect(await keysOf(owner.accessToken, 'priority=urgent')).toEqual(['doneUrgent']);
    expect(await keysOf(owner.accessToken, 'priority=low&priority=high')).toEqual(['progressHigh', 'todoLow']);
    expect(await keysOf(owner.accessToken, 'priority=low,medium')).toEqual(['todoLow', 'todoMedium']);
  });

  it('assigneeId: a user id or me', async () => {
    expect(await keysOf(owner.accessToken, `assigneeId=${mate.user.id}`)).toEqual(['progressHigh', 'todoMedium']);
    expect(await keysOf(mate.accessToken, 'assigneeId=me')).toEqual(['progressHigh', 'todoMedium']);
    expect(await keysOf(owner.accessToken, 'assigneeId=me')).toEqual([]);
    expect(await keysOf(owner.accessToken, `assigneeId=${randomUUID()}`)).toEqual([]);
  });

  it('ownerId: a user id or me, and never widens what the caller can see', async () => {
    const all = ['doneUrgent', 'progressHigh', 'todoLow', 'todoMedium'];
    expect(await keysOf(owner.accessToken, `ownerId=${owner.user.id}`)).toEqual(all);
    expect(await keysOf(owner.accessToken, 'ownerId=me')).toEqual(all);
    expect(await keysOf(mate.accessToken, `ownerId=${owner.user.id}`)).toEqual(['progressHigh', 'todoMedium']);
    expect(await keysOf(mate.accessToken, 'ownerId=me')).toEqual([]);
    const stranger = await registerUser(api);
    expect(await keysOf(stranger.accessToken, `ownerId=${owner.user.id}`)).toEqual([]);
  });

  it('q: case-insensitive, in the title and in the description, combined with the other filters', async () => {
    const byTitle = await list(owner.accessToken, `limit=100&q=${tag.toUpperCase()}%20DONEURGENT`);
    expect(titles(byTitle)).toEqual([`${tag} doneUrgent`]);
    const byDescription = await list(owner.accessToken, `limit=100&ownerId=me&q=nEEDLE%20WoRd`);
    expect(ids(byDescription)).toEqual([t.progressHigh!.id]);
    expect(await keysOf(owner.accessToken, 'status=todo&priority=medium')).toEqual(['todoMedium']);
    // LIKE wildcards are literal.
    expect((await list(owner.accessToken, `ownerId=me&q=${encodeURIComponent('%')}`)).items).toEqual([]);
    expect((await list(owner.accessToken, `ownerId=me&q=${encodeURIComponent('_')}`)).items).toEqual([]);
  });

  it('dueBefore and dueAfter, alone and together; tasks without a due date match neither', async () => {
    expect(await keysOf(owner.accessToken, 'dueBefore=2030-02-01T00:00:00.000Z')).toEqual(['todoLow']);
    expect(await keysOf(owner.accessToken, 'dueAfter=2030-02-01T00:00:00.000Z')).toEqual(['doneUrgent', 'progressHigh']);
    expect(await keysOf(owner.accessToken, 'dueAfter=2030-01-15T00:00:00Z&dueBefore=2030-03-01T00:00:00Z')).toEqual(['progressHigh']);
    expect(await keysOf(owner.accessToken, 'dueAfter=2031-01-01T00:00:00Z')).toEqual([]);
  });

  it.each([
    'status=closed',
    'status=todo,closed',
    'priority=critical',
    'assigneeId=someone',
    'ownerId=12345',
    'dueBefore=yesterday',
    'dueAfter=2030-13-01',
    'sort=title',
    'order=up',
    'limit=0',
    'limit=101',
    'limit=-1',
    'limit=1.5',
    'limit=ten',
    'q=',
    `q=${'x'.repeat(201)}`,
    'q=a&q=b',
    'q[$gt]=',
    'unknown=1',
    'cursor=not%20a%20cursor',
  ])('refuses ?%s with 400', async (query) => {
    const response = await api.get(`/api/tasks?${query}`, { token: owner.accessToken });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.anything(), requestId: expect.any(String) });
  });

  it('accepts limits 1 and 100', async () => {
    const one = await list(owner.accessToken, `limit=1&q=${tag}`);
    expect(one.items).toHaveLength(1);
    expect(one.nextCursor).toEqual(expect.any(String));
    expect((await list(owner.accessToken, `limit=100&q=${tag}`)).items).toHaveLength(4);
  });
});

describe('GET /api/tasks sort', () => {
  const RANK = { low: 0, medium: 1, high: 2, urgent: 3 } as const;
  let owner: TestUser;
  let tag: string;
  let created: TaskDto[];

  beforeAll(async () => {
    owner = await registerUser(api);
    tag = newTag();
    const specs: Partial<CreateTaskBody>[] = [
      { priority: 'high', dueDate: '2030-03-01T00:00:00.000Z' },
      { priority: 'low', dueDate: null },
      { priority: 'urgent', dueDate: '2030-01-01T00:00:00.000Z' },
      { priority: 'medium', dueDate: '2030-02-01T00:00:00.000Z' },
      { priority: 'low', dueDate: null },
    ];
    created = [];
    for (const [i, spec] of specs.entries()) created.push(await createTask(api, owner.accessToken, { title: `${tag} ${i}`, ...spec }));
    // Touch the oldest task so updatedAt order differs from createdAt order.
    const touched = await api.patch(`/api/tasks/${created[0]!.id}`, { description: 'touched', version: created[0]!.version }, { token: owner.accessToken });
    expect(touched.status).toBe(200);
    created[0] = touched.body;
  });

  const sortedBy = (sort: string, order: string) => list(owner.accessToken, `limit=100&q=${tag}&sort=${sort}&order=${order}`);

  it('createdAt: desc by default, and asc', async () => {
    const byCreation = created.map((task) => task.id);
    expect(ids(await list(owner.accessToken, `limit=100&q=${tag}`))).toEqual([...byCreation].reverse());
    expect(ids(await sortedBy('createdAt', 'desc'))).toEqual([...byCreation].reverse());
    expect(ids(await sortedBy('createdAt', 'asc'))).toEqual(byCreation);
  });

  it('updatedAt: asc and desc', async () => {
    const expectedAsc = [created[1]!, created[2]!, created[3]!, created[4]!, created[0]!].map((task) => task.id);
    expect(ids(await sortedBy('updatedAt', 'asc'))).toEqual(expectedAsc);
    expect(ids(await sortedBy('updatedAt', 'desc'))).toEqual([...expectedAsc].reverse());
  });

  it('dueDate: asc and desc, tasks without a due date last either way', async () => {
    const asc = await sortedBy('dueDate', 'asc');
    expect(ids(asc).slice(0, 3)).toEqual([created[2]!.id, created[3]!.id, created[0]!.id]);
    expect(sorted(ids(asc).slice(3))).toEqual(sorted([created[1]!.id, created[4]!.id]));
    const desc = await sortedBy('dueDate', 'desc');
    expect(ids(desc).slice(0, 3)).toEqual([created[0]!.id, created[3]!.id, created[2]!.id]);
    expect(desc.items.slice(3).map((task) => task.dueDate)).toEqual([null, null]);
  });

  it('priority: by rank (low < medium < high < urgent), not alphabetically, asc and desc', async () => {
    const asc = await sortedBy('priority', 'asc');
    expect(asc.items.map((task) => task.priority)).toEqual(['low', 'low', 'medium', 'high', 'urgent']);
    const desc = await sortedBy('priority', 'desc');
    expect(desc.items.map((task) => task.priority)).toEqual(['urgent', 'high', 'medium', 'low', 'low']);
    expect(ids(desc).slice(0, 3)).toEqual([created[2]!.id, created[0]!.id, created[3]!.id]);
    for (const page of [asc, desc]) expect(page.items).toHaveLength(5);
    expect(desc.items.every((task, i, all) => i === 0 || RANK[all[i - 1]!.priority] >= RANK[task.priority])).toBe(true);
  });

  it.each([
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
    ['updatedAt', 'asc'],
    ['updatedAt', 'desc'],
    ['dueDate', 'asc'],
    ['dueDate', 'desc'],
    ['priority', 'asc'],
    ['priority', 'desc'],
  ])('pages by %s %s one task at a time to the same order as one big page', async (sort, order) => {
    const whole = ids(await sortedBy(sort, order));
    const walked: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: { items: TaskDto[]; nextCursor: string | null } = await list(owner.accessToken, `limit=2&q=${tag}&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...ids(page));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(walked).toEqual(whole);
  });
});

describe('GET /api/tasks pagination', () => {
  async function walk(token: string, query: string, between: (pageNumber: number) => Promise<void>) {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pageNumber = 0; pageNumber < 50; pageNumber++) {
      const page: { items: TaskDto[]; nextCursor: string | null } = await list(token, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      if (!cursor) return seen;
      await between(pageNumber);
    }
    throw new Error('pagination did not end');
  }

  it.each(['createdAt&order=desc', 'createdAt&order=asc', 'updatedAt&order=desc', 'dueDate&order=asc', 'priority&order=desc'])(
    'sort=%s: no item skipped or repeated while tasks are inserted between pages',
    async (sortOrder) => {
      const owner = await registerUser(api);
      const tag = newTag();
      const priorities = ['low', 'medium', 'high', 'urgent'] as const;
      const original: string[] = [];
      for (let i = 0; i < 10; i++) {
        const task = await createTask(api, owner.accessToken, { title: `${tag} ${i}`, priority: priorities[i % 4], dueDate: i % 3 === 0 ? null : `2030-01-${String(10 + (i % 5)).padStart(2, '0')}T00:00:00.000Z` });
        original.push(task.id);
      }
      const inserted: string[] = [];
      const seen = await walk(owner.accessToken, `limit=3&q=${tag}&sort=${sortOrder}`, async (n) => {
        const task = await createTask(api, owner.accessToken, { title: `${tag} new${n}`, priority: priorities[n % 4], dueDate: n % 2 ? null : '2030-01-12T00:00:00.000Z' });
        inserted.push(task.id);
      });
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => original.includes(id)).sort()).toEqual([...original].sort());
      expect(seen.every((id) => original.includes(id) || inserted.includes(id))).toBe(true);
    },
  );

  it('refuses a tampered or foreign-looking cursor with 400, never 500', async () => {
    const owner = await registerUser(api);
    const tag = newTag();
    for (let i = 0; i < 3; i++) await createTask(api, owner.accessToken, { title: `${tag} ${i}` });
    const first = await list(owner.accessToken, `limit=1&q=${tag}`);
    const cursor = first.nextCursor!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const flipped = cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.at(-1);
    const forged = Buffer.from(JSON.stringify({ createdAt: '2020-01-01T00:00:00Z', id: "' OR 1=1 --" })).toString('base64url');
    const garbage = Buffer.from('not-a-cursor').toString('base64url');
    for (const bad of [flipped, forged, garbage, 'A', cursor.slice(1)]) {
      const response = await api.get(`/api/tasks?limit=1&q=${tag}&cursor=${bad}`, { token: owner.accessToken });
      expect([bad, response.status]).toEqual([bad, 400]);
    }
    // A cursor made for one sort is not silently applied to another.
    const other = await api.get(`/api/tasks?limit=1&q=${tag}&sort=priority&cursor=${cursor}`, { token: owner.accessToken });
    expect([200, 400]).toContain(other.status);
    // The genuine cursor still works.
    expect((await list(owner.accessToken, `limit=1&q=${tag}&cursor=${cursor}`)).items).toHaveLength(1);
  });
});

describe('list cache freshness', () => {
  it('shows a new task, a change and a deletion to the owner at once', async () => {
    const owner = await registerUser(api);
    const query = 'limit=100&ownerId=me';
    expect((await list(owner.accessToken, query)).items).toEqual([]);
    const task = await createTask(api, owner.accessToken, { title: 'fresh 1' });
    expect(ids(await list(owner.accessToken, query))).toEqual([task.id]);
    const changed = await api.patch(`/api/tasks/${task.id}`, { title: 'fresh 2', status: 'done', version: task.version }, { token: owner.accessToken });
    expect(changed.status).toBe(200);
    expect((await list(owner.accessToken, query)).items).toEqual([changed.body]);
    expect((await list(owner.accessToken, `${query}&status=done`)).items).toEqual([changed.body]);
    expect((await list(owner.accessToken, `${query}&status=todo`)).items).toEqual([]);
    expect((await api.delete(`/api/tasks/${task.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await list(owner.accessToken, query)).items).toEqual([]);
  });

  it('shows changes to an assignee at once: assignment, the owner’s edits, unassignment', async () => {
    const [owner, assignee] = await Promise.all([registerUser(api), registerUser(api)]);
    const task = await createTask(api, owner.accessToken, { title: 'for the assignee' });
    const query = 'limit=100';
    const filtered = 'limit=100&assigneeId=me';
    expect((await list(assignee.accessToken, query)).items).toEqual([]);
    expect((await list(assignee.accessToken, filtered)).items).toEqual([]);

    const assigned = await assignTask(api, owner.accessToken, task.id, assignee.user.id);
    expect((await list(assignee.accessToken, query)).items).toEqual([assigned]);
    expect((await list(assignee.accessToken, filtered)).items).toEqual([assigned]);
    expect((await list(owner.accessToken, query)).items).toEqual([assigned]);

    const edited = await api.patch(`/api/tasks/${task.id}`, { title: 'edited by owner', version: assigned.version }, { token: owner.accessToken });
    expect(edited.status).toBe(200);
    expect((await list(assignee.accessToken, query)).items).toEqual([edited.body]);

    const byAssignee = await api.patch(`/api/tasks/${task.id}`, { status: 'in_progress' }, { token: assignee.accessToken, headers: { 'If-Match': `"${edited.body.version}"` } });
    expect(byAssignee.status).toBe(200);
    expect((await list(owner.accessToken, query)).items).toEqual([byAssignee.body]);
    expect((await list(assignee.accessToken, query)).items).toEqual([byAssignee.body]);

    const unassigned = await api.delete(`/api/tasks/${task.id}/assignees/${assignee.user.id}`, { token: owner.accessToken });
    expect(unassigned.status).toBe(200);
    expect((await list(assignee.accessToken, query)).items).toEqual([]);
    expect((await list(assignee.accessToken, filtered)).items).toEqual([]);
    expect((await list(owner.accessToken, query)).items).toEqual([unassigned.body]);
  });

  it('shows an admin’s change to owner and assignee at once, and the owner’s change to an admin', async () => {
    const [owner, assignee] = await Promise.all([registerUser(api), registerUser(api)]);
    const tag = newTag();
    const task = await assignTask(api, owner.accessToken, (await createTask(api, owner.accessToken, { title: `${tag} a` })).id, assignee.user.id);
    for (const token of [owner.accessToken, assignee.accessToken, adminToken]) expect((await list(token, `q=${tag}`)).items).toEqual([task]);
    const byAdmin = await api.patch(`/api/tasks/${task.id}`, { priority: 'urgent', version: task.version }, { token: adminToken });
    expect(byAdmin.status).toBe(200);
    for (const token of [owner.accessToken, assignee.accessToken, adminToken]) expect((await list(token, `q=${tag}`)).items).toEqual([byAdmin.body]);
    const byOwner = await api.patch(`/api/tasks/${task.id}`, { title: `${tag} b`, version: byAdmin.body.version }, { token: owner.accessToken });
    for (const token of [owner.accessToken, assignee.accessToken, adminToken]) expect((await list(token, `q=${tag}`)).items).toEqual([byOwner.body]);
  });
});
