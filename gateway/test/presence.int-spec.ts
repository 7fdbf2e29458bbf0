import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, RealtimeStack, TEST_ADMIN, assignTask, createTask, registerUser, waitFor, type TestUser } from '#testing';

let realtime: RealtimeStack;
let api: Api;
let adminToken: string;

beforeAll(async () => {
  realtime = await RealtimeStack.start(['auth-service', 'tasks-service', 'events-service']);
  api = realtime.api;
  const admin = await api.post('/api/auth/login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
  expect(admin.status).toBe(200);
  adminToken = admin.body.accessToken;
});
afterEach(() => realtime.disconnectAll());
afterAll(() => realtime?.close());

const online = (user: TestUser) => realtime.connect(user);

const presence = async (token: string): Promise<string[]> => {
  const response = await api.get('/api/presence', { token });
  if (response.status !== 200) throw new Error(`GET /api/presence: ${response.status} ${response.text}`);
  return response.body.items.map((item: { userId: string }) => item.userId);
};

describe('GET /api/presence', () => {
  let owner: TestUser;
  let assignee: TestUser;
  let outsider: TestUser;
  beforeAll(async () => {
    [owner, assignee, outsider] = await Promise.all([registerUser(api), registerUser(api), registerUser(api)]);
    const task = await createTask(api, owner.accessToken, { title: 'Together' });
    await assignTask(api, owner.accessToken, task.id, assignee.user.id);
  });

  it('answers the admin 200 with everyone online', async () => {
    const before = await api.get('/api/presence', { token: adminToken });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ items: expect.any(Array) });
    expect(before.body.items).not.toContainEqual(expect.objectContaining({ userId: assignee.user.id }));

    await Promise.all([online(assignee), online(outsider)]);
    await waitFor(async () => {
      const ids = await presence(adminToken);
      return ids.includes(assignee.user.id) && ids.includes(outsider.user.id);
    }, 5000, 'both users in the admin presence');
    const response = await api.get('/api/presence', { token: adminToken });
    for (const item of response.body.items) expect(item).toEqual({ userId: expect.any(String), lastSeenAt: expect.any(String) });
  });

  it('shows a member only the users they share a task with', async () => {
    await Promise.all([online(assignee), online(outsider)]);
    await waitFor(async () => (await presence(adminToken)).includes(assignee.user.id), 5000, 'the assignee online');
    const seenByOwner = await presence(owner.accessToken);
    expect(seenByOwner).toContain(assignee.user.id);
    expect(seenByOwner).not.toContain(outsider.user.id);
    expect(await presence(outsider.accessToken)).not.toContain(assignee.user.id);
  });

  it('answers 503 while realtime-service is down, and readiness stays 200 (it is not a readiness target)', async () => {
    expect(await realtime.stack.stop('realtime-service')).toBe(0);
    const response = await api.get('/api/presence', { token: adminToken });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), requestId: expect.any(String) });
    expect((await api.get('/health/ready')).status).toBe(200);
  });
});
