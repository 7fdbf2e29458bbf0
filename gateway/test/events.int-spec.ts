import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventLogDto, NotificationDto, TaskDto } from '#contracts';
import { Api, startEventsStack, TEST_ADMIN, assignTask, createTask, registerUser, waitFor, type Stack, type TestUser } from '#testing';

let stack: Stack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  stack = await startEventsStack();
  api = new Api(stack.baseUrl);
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(admin.status).toBe(200);
  adminToken = admin.body.accessToken;
}, 180_000);
afterAll(() => stack?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const errorShape = (statusCode: number) => ({ statusCode, error: expect.any(String), message: expect.anything(), requestId: expect.any(String) });
const tokenOf = (user: TestUser | string) => (typeof user === 'string' ? user : user.accessToken);

/** GET that must answer 200; returns the body. */
async function ok<T = any>(path: string, user: TestUser | string): Promise<T> {
  const response = await api.get<T>(path, { token: tokenOf(user) });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
  return response.body;
}

const activity = (user: TestUser | string, taskId: string) => ok<{ items: EventLogDto[]; nextCursor: string | null }>(`/api/tasks/${taskId}/activity`, user);
const events = (user: TestUser | string, query = '') => ok<{ items: EventLogDto[]; nextCursor: string | null }>(`/api/events${query}`, user);
const notifications = (user: TestUser | string, query = '') =>
  ok<{ items: NotificationDto[]; nextCursor: string | null; unreadCount: number }>(`/api/notifications${query}`, user);

/** Polls until the list has exactly `count` items (events are logged asynchronously), then returns it. */
async function waitForCount<T extends { items: unknown[] }>(read: () => Promise<T>, count: number, what: string, timeoutMs = 15000): Promise<T> {
  let last: T | undefined;
  try {
    return await waitFor(async () => {
      last = await read();
      return last.items.length === count ? last : undefined;
    }, timeoutMs, what);
  } catch (error) {
    throw new Error(`${String(error)}; last: ${JSON.stringify(last?.items)}`);
  }
}

async function updateTask(user: TestUser, task: TaskDto, body: Record<string, unknown>): Promise<TaskDto> {
  const response = await api.patch<TaskDto>(`/api/tasks/${task.id}`, { ...body, version: task.version }, { token: user.accessToken });
  if (response.status !== 200) throw new Error(`update failed: ${response.status} ${response.text}`);
  return response.body;
}

/**
 * Owner creates a task, assigns the assignee, then moves it to in_progress: three events, all
 * by the owner, once they are all logged and notified.
 */
async function scenario(title = 'Ship the release') {
  const [owner, assignee, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
  const created = await createTask(api, owner.accessToken, { title });
  const assigned = await assignTask(api, owner.accessToken, created.id, assignee.user.id);
  const updated = await updateTask(owner, assigned, { status: 'in_progress' });
  const log = await waitForCount(() => activity(owner, created.id), 3, 'three activity entries');
  // The last event's notifications are written after its log entry: wait for them too.
  const inbox = await waitForCount(() => notifications(assignee), 2, "the assignee's two notifications");
  return { owner, assignee, outsider, task: updated, log: log.items, inbox };
}

describe('a task change end to end', () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  beforeAll(async () => {
    s = await scenario();
  });

  it('shows up in the task activity, newest first, with types, actor and changes', async () => {
    const { owner, assignee, task, log } = s;
    expect(log.map((entry) => entry.type)).toEqual(['task.updated', 'task.assigned', 'task.created']);
    for (const entry of log) {
      expect(entry).toMatchObject({ eventId: expect.stringMatching(UUID), taskId: task.id, actorId: owner.user.id, requestId: expect.any(String) });
      expect(entry.task?.id).toBe(task.id);
    }
    const [updated, assigned, created] = log;
    expect(updated!.changes).toEqual({ status: { from: 'todo', to: 'in_progress' } });
    expect(updated!.task).toMatchObject({ status: 'in_progress', version: task.version });
    expect(assigned!.changes).toEqual({ assigneeIds: { from: [], to: [assignee.user.id] } });
    expect(created!.changes).toBeUndefined();
    expect(created!.task).toMatchObject({ title: 'Ship the release', status: 'todo', version: 1 });
    const times = log.map((entry) => Date.parse(entry.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // The assignee sees the same activity; an outsider gets 404, never the log.
    expect((await activity(s.assignee, task.id)).items.map((entry) => entry.eventId)).toEqual(log.map((entry) => entry.eventId));
  });

  it('answers 404 for the activity of a task the caller cannot see, and 400 for a bad id', async () => {
    const response = await api.get(`/api/tasks/${s.task.id}/activity`, { token: s.outsider.accessToken });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape(404));
    expect((await api.get(`/api/tasks/${randomUUID()}/activity`, { token: s.owner.accessToken })).status).toBe(404);
    expect((await api.get('/api/tasks/not-a-uuid/activity', { token: s.owner.accessToken })).status).toBe(400);
  });

  it("notifies the assignee of the assignment and of the owner's update, newest first", () => {
    const { owner, task, inbox, log } = s;
    expect(inbox.unreadCount).toBe(2);
    expect(inbox.nextCursor).toBeNull();
    expect(inbox.items.map((n) => n.type)).toEqual(['task.updated', 'task.assigned']);
    expect(inbox.items.map((n) => n.eventId)).toEqual([log[0]!.eventId, log[1]!.eventId]);
    for (const notification of inbox.items) {
      expect(notification).toMatchObject({
        id: expect.stringMatching(UUID),
        taskId: task.id,
        actorId: owner.user.id,
        taskTitle: 'Ship the release',
        read: false,
        readAt: null,
        createdAt: expect.any(String),
      });
    }
    expect(inbox.items[0]!.changes).toEqual({ status: { from: 'todo', to: 'in_progress' } });
  });

  it('notifies neither the actor of their own changes nor an outsider', async () => {
    expect(await notifications(s.owner)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    expect(await notifications(s.outsider)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  });

  it('notifies the owner when the assignee changes the status', async () => {
    const { owner, assignee, task } = s;
    const moved = await updateTask(assignee, task, { status: 'done' });
    const inbox = await waitForCount(() => notifications(owner), 1, "the owner's notification");
    expect(inbox.items[0]).toMatchObject({ type: 'task.updated', taskId: moved.id, actorId: assignee.user.id, changes: { status: { from: 'in_progress', to: 'done' } } });
    // The assignee, as the actor this time, gets nothing new.
    const log = await waitForCount(() => activity(owner, task.id), 4, 'four activity entries');
    expect(log.items[0]).toMatchObject({ type: 'task.updated', actorId: assignee.user.id });
    expect((await notifications(assignee)).items).toHaveLength(2);
  });
});

describe('notifications', () => {
  it('counts unread, filters ?unread=true, marks one read, and refuses others\' ids (404) and bad ids (400)', async () => {
    const { assignee, outsider, owner } = await scenario('Read me');
    const [newest, oldest] = (await notifications(assignee)).items;

    const read = await api.patch(`/api/notifications/${oldest!.id}/read`, undefined, { token: assignee.accessToken });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: oldest!.id, eventId: oldest!.eventId, read: true, readAt: expect.any(String) });
    expect(Date.parse(read.body.readAt)).not.toBeNaN();

    // Marking twice keeps the first readAt.
    const again = await api.patch(`/api/notifications/${oldest!.id}/read`, undefined, { token: assignee.accessToken });
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe(read.body.readAt);

    const all = await notifications(assignee);
    expect(all.unreadCount).toBe(1);
    expect(all.items.map((n) => [n.id, n.read])).toEqual([
      [newest!.id, false],
      [oldest!.id, true],
    ]);
    const unread = await notifications(assignee, '?unread=true');
    expect(unread).toEqual({ items: [expect.objectContaining({ id: newest!.id, read: false })], nextCursor: null, unreadCount: 1 });
    expect((await notifications(assignee, '?unread=false')).items).toHaveLength(2);

    // Another user's notification does not exist for them, whoever they are.
    for (const other of [outsider, owner]) {
      const foreign = await api.patch(`/api/notifications/${newest!.id}/read`, undefined, { token: other.accessToken });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(errorShape(404));
    }
    const unknown = await api.patch(`/api/notifications/${randomUUID()}/read`, undefined, { token: assignee.accessToken });
    expect(unknown.status).toBe(404);
    const bad = await api.patch('/api/notifications/not-a-uuid/read', undefined, { token: assignee.accessToken });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(errorShape(400));
    // The foreign attempts changed nothing.
    expect((await notifications(assignee)).unreadCount).toBe(1);
  });

  it('read-all answers 200 {updated} and leaves unreadCount 0', async () => {
    const { assignee } = await scenario('Read all of it');
    const response = await api.post('/api/notifications/read-all', undefined, { token: assignee.accessToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ updated: 2 });
    const after = await notifications(assignee);
    expect(after.unreadCount).toBe(0);
    expect(after.items.every((n) => n.read && typeof n.readAt === 'string')).toBe(true);
    expect((await notifications(assignee, '?unread=true')).items).toEqual([]);
    const again = await api.post('/api/notifications/read-all', undefined, { token: assignee.accessToken });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ updated: 0 });
  });

  it('pages with limit and nextCursor', async () => {
    const { assignee, inbox } = await scenario('Paged');
    const first = await notifications(assignee, '?limit=1');
    expect(first.items.map((n) => n.id)).toEqual([inbox.items[0]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.unreadCount).toBe(2);
    const second = await notifications(assignee, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((n) => n.id)).toEqual([inbox.items[1]!.id]);
    expect(second.nextCursor).toBeNull();
    // A cursor of the event log is not a notifications cursor.
    const eventsCursor = (await events(assignee, '?limit=1')).nextCursor;
    if (eventsCursor) expect((await api.get(`/api/notifications?cursor=${eventsCursor}`, { token: assignee.accessToken })).status).toBe(400);
  });

  it.each([
    ['?unread=yes'],
    ['?unread[$ne]=true'],
    ['?limit=0'],
    ['?limit=101'],
    ['?limit=abc'],
    ['?cursor=***'],
    ['?cursor=bm90LWEtY3Vyc29y'],
    ['?userId=' + randomUUID()],
  ])('refuses %s with 400', async (query) => {
    const response = await api.get(`/api/notifications${query}`, { token: adminToken });
    expect([query, response.status]).toEqual([query, 400]);
    expect(response.body).toEqual(errorShape(400));
  });
});

describe('GET /api/events', () => {
  let s: Awaited<ReturnType<typeof scenario>>;
  let other: TestUser;
  let othersTask: TaskDto;
  beforeAll(async () => {
    s = await scenario('Visible one');
    other = await registerUser(api);
    othersTask = await createTask(api, other.accessToken, { title: "Someone else's" });
    // Logged for its owner first, so its absence below means filtering, not lag.
    await waitForCount(() => events(other, `?taskId=${othersTask.id}`), 1, "the other user's task.created");
  });

  it("shows a member the events of tasks they can see, and not others' tasks", async () => {
    const mine = await events(s.owner, '?type=task.created,task.updated,task.deleted,task.assigned,task.unassigned');
    expect(mine.items.map((e) => e.eventId)).toEqual(s.log.map((e) => e.eventId));
    // An assignee sees the task, so they see its whole history, the task.created before their assignment included.
    expect((await events(s.assignee, `?taskId=${s.task.id}`)).items.map((e) => e.eventId)).toEqual(s.log.map((e) => e.eventId));

    for (const member of [s.owner, s.assignee, s.outsider]) {
      expect(await events(member, `?taskId=${othersTask.id}`)).toEqual({ items: [], nextCursor: null });
      const all = await events(member, '?limit=100');
      expect(all.items.filter((e) => e.taskId === othersTask.id)).toEqual([]);
      expect(all.items.filter((e) => e.taskId !== null && e.taskId !== s.task.id)).toEqual([]);
    }
    expect((await events(s.outsider, `?taskId=${s.task.id}`)).items).toEqual([]);
  });

  it("shows the admin others' events", async () => {
    const page = await events(adminToken, `?taskId=${othersTask.id}`);
    expect(page.items).toEqual([expect.objectContaining({ type: 'task.created', taskId: othersTask.id, actorId: other.user.id })]);
    expect((await events(adminToken, `?taskId=${s.task.id}`)).items.map((e) => e.eventId)).toEqual(s.log.map((e) => e.eventId));
  });

  it('filters by type (one, comma-separated, repeated), taskId and actorId', async () => {
    const { owner, assignee, task, log } = s;
    const ids = (page: { items: EventLogDto[] }) => page.items.map((e) => e.eventId);
    const [updated, assigned, created] = log;
    expect(ids(await events(owner, `?taskId=${task.id}&type=task.updated`))).toEqual([updated!.eventId]);
    expect(ids(await events(owner, `?taskId=${task.id}&type=task.created,task.assigned`))).toEqual([assigned!.eventId, created!.eventId]);
    expect(ids(await events(owner, `?taskId=${task.id}&type=task.created&type=task.updated`))).toEqual([updated!.eventId, created!.eventId]);
    expect(ids(await events(owner, `?taskId=${task.id}&type=task.deleted`))).toEqual([]);
    expect(ids(await events(assignee, `?taskId=${task.id}&actorId=${owner.user.id}`))).toEqual([updated!.eventId, assigned!.eventId, created!.eventId]);
    expect(ids(await events(assignee, `?taskId=${task.id}&actorId=${assignee.user.id}`))).toEqual([]);
    expect(ids(await events(adminToken, `?actorId=${other.user.id}&type=task.created`))).toEqual([
      expect.any(String),
    ]);
  });

  it('filters by from (inclusive) and to (exclusive)', async () => {
    const { owner, task, log } = s;
    const [updated, assigned, created] = log;
    const ids = (page: { items: EventLogDto[] }) => page.items.map((e) => e.eventId);
    const q = (extra: string) => events(owner, `?taskId=${task.id}&${extra}`);
    const at = (e: EventLogDto) => encodeURIComponent(e.occurredAt);
    // The three events may share a millisecond; only assert what their timestamps allow.
    const expected = (keep: (t: number) => boolean) => log.filter((e) => keep(Date.parse(e.occurredAt))).map((e) => e.eventId);
    const tAssigned = Date.parse(assigned!.occurredAt);
    expect(ids(await q(`from=${at(assigned!)}`))).toEqual(expected((t) => t >= tAssigned));
    expect(ids(await q(`to=${at(assigned!)}`))).toEqual(expected((t) => t < tAssigned));
    expect(ids(await q(`from=${at(created!)}&to=${encodeURIComponent(new Date(Date.parse(updated!.occurredAt) + 1).toISOString())}`))).toEqual(ids({ items: log }));
    expect(ids(await q(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`))).toEqual([]);
    expect(ids(await q('to=2000-01-01T00:00:00Z'))).toEqual([]);
  });

  it('pages with limit and nextCursor, newest first, nothing skipped or repeated', async () => {
    const { owner, task, log } = s;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: EventLogDto[]; nextCursor: string | null } = await events(owner, `?taskId=${task.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(log.map((e) => e.eventId));
    const two = await events(owner, `?taskId=${task.id}&limit=2`);
    expect(two.items).toHaveLength(2);
    expect(two.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['?taskId[$gt]='],
    ['?taskId[$ne]=x'],
    ['?type=$where'],
    ['?type[$where]=1'],
    [`?actorId=${encodeURIComponent('{"$gt":""}')}`],
    ['?actorId=not-a-uuid'],
    ['?taskId=' + encodeURIComponent("' OR 1=1 --")],
    ['?type=task.exploded'],
    ['?from=yesterday'],
    ['?from[$gt]=2020-01-01T00:00:00Z'],
    ['?to=2024-13-45T00:00:00Z'],
    ['?limit=0'],
    ['?limit=101'],
    ['?cursor=***'],
    ['?cursor=bm90LWEtY3Vyc29y'],
    ['?audience=' + randomUUID()],
  ])('refuses %s with 400, never 500', async (query) => {
    const response = await api.get(`/api/events${query}`, { token: s.owner.accessToken });
    expect([query, response.status]).toEqual([query, 400]);
    expect(response.body).toEqual(errorShape(400));
  });

  it('needs an access token on every events, notifications and presence route', async () => {
    const id = randomUUID();
    for (const [method, path] of [
      ['GET', '/api/events'],
      ['GET', '/api/notifications'],
      ['PATCH', `/api/notifications/${id}/read`],
      ['POST', '/api/notifications/read-all'],
      ['GET', '/api/presence'],
    ] as const) {
      const response = await api.request(method, path);
      expect([method, path, response.status]).toEqual([method, path, 401]);
    }
  });
});

describe('auth events', () => {
  it("shows a member their own user.login (and only their own), once auth events flow", async () => {
    const user = await registerUser(api);
    const login = await api.post('/api/auth/login', { email: user.email, password: user.password });
    expect(login.status).toBe(200);
    const page = await waitFor(
      async () => {
        const body = await events(user, '?type=user.login');
        return body.items.some((e) => e.type === 'user.login' && e.actorId === user.user.id) ? body : undefined;
      },
      10_000,
      `user.login of ${user.user.id} in GET /api/events`,
    );
    expect(page.items.every((e) => e.type === 'user.login' && e.actorId === user.user.id && e.taskId === null)).toBe(true);
    // Another member does not see it; the admin does.
    const stranger = await registerUser(api);
    expect((await events(stranger, `?type=user.login&actorId=${user.user.id}`)).items).toEqual([]);
    expect((await events(adminToken, `?type=user.login&actorId=${user.user.id}`)).items.length).toBeGreaterThan(0);
  });
});
