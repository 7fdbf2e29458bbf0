import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuthContract } from '#contracts';
import { Api, connectAs, createTask, natsRequest, registerUser, startStack, uniqueEmail, type Stack, type TestUser } from '#testing';

/** Findings 1 and 6 of issue 10: input that was truncated, or that reached PostgreSQL and gave a 500. */
const CURSOR_SECRET = 'bad-input-suite-cursor-secret-0123456789';
const NUL = '\u0000';

let stack: Stack;
let api: Api;
let nc: NatsConnection;
let user: TestUser;

beforeAll(async () => {
  stack = await startStack({ CURSOR_SECRET }, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  // As the gateway: the only role that may send requests to auth-service.
  nc = await connectAs('gateway', { servers: stack.env.NATS_URL });
  user = await registerUser(api);
});
afterAll(async () => {
  await nc?.close();
  await stack?.close();
});

const expect400 = (response: { status: number; body: unknown }, pattern: RegExp) => {
  expect(response.status).toBe(400);
  expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.arrayContaining([expect.stringMatching(pattern)]), requestId: expect.any(String) });
};

describe('passwords over 72 bytes', () => {
  const seventyTwo = 'correct horse battery staple '.repeat(3).slice(0, 72);

  it('login with a 77-byte password whose first 72 bytes match is 400, never a truncated match', async () => {
    const owner = await registerUser(api, { password: seventyTwo });
    expect((await api.post('/api/auth/login', { email: owner.email, password: seventyTwo })).status).toBe(200);
    expect400(await api.post('/api/auth/login', { email: owner.email, password: `${seventyTwo}extra` }), /password must be at most 72 bytes/);
  });

  it('is refused by auth-service itself over NATS, not only by the gateway', async () => {
    const owner = await registerUser(api, { password: seventyTwo });
    const login = await natsRequest(nc, AuthContract.login.subject, { email: owner.email, password: `${seventyTwo}extra` });
    expect(login.err).toMatchObject({ code: 'VALIDATION' });
    const register = await natsRequest(nc, AuthContract.register.subject, { email: uniqueEmail(), password: `${seventyTwo}extra`, name: 'Long' });
    expect(register.err).toMatchObject({ code: 'VALIDATION' });
  });

  it('password change refuses a current or new password over 72 bytes', async () => {
    const owner = await registerUser(api, { password: seventyTwo });
    expect400(await api.post('/api/auth/password', { currentPassword: `${seventyTwo}extra`, newPassword: 'another password' }, { token: owner.accessToken }), /currentPassword/);
    expect400(await api.post('/api/auth/password', { currentPassword: seventyTwo, newPassword: `${seventyTwo}extra` }, { token: owner.accessToken }), /newPassword/);
    // Nothing changed: the old password still works.
    expect((await api.post('/api/auth/login', { email: owner.email, password: seventyTwo })).status).toBe(200);
  });
});

describe('NUL characters answer 400, never 500', () => {
  it.each([
    ['register name', () => api.post('/api/auth/register', { email: uniqueEmail(), password: 'correct horse battery', name: `Ada${NUL}` }), /name must not contain NUL/],
    ['register password', () => api.post('/api/auth/register', { email: uniqueEmail(), password: `correct${NUL}horse`, name: 'Ada' }), /password must not contain NUL/],
    ['login email', () => api.post('/api/auth/login', { email: `${NUL}a@example.test`, password: 'correct horse battery' }), /email must not contain NUL/],
    ['login password', () => api.post('/api/auth/login', { email: user.email, password: `${user.password}${NUL}` }), /password must not contain NUL/],
    ['task title', () => api.post('/api/tasks', { title: `a${NUL}b` }, { token: user.accessToken }), /title must not contain NUL/],
    ['task description', () => api.post('/api/tasks', { title: 'ok', description: `a${NUL}b` }, { token: user.accessToken }), /description must not contain NUL/],
    ['tasks ?q=', () => api.get('/api/tasks?q=a%00b', { token: user.accessToken }), /q must not contain NUL/],
    ['users ?q=', () => api.get('/api/users?q=a%00b', { token: user.accessToken }), /q must not contain NUL/],
  ])('%s', async (_case, send, message) => {
    expect400(await send(), message);
  });

  it.each([
    ['task title', () => api.post('/api/tasks', { title: 'a\ud800b' }, { token: user.accessToken }), /title must be well-formed Unicode/],
    ['login email', () => api.post('/api/auth/login', { email: 'a\udc00@example.test', password: 'correct horse battery' }), /email must be well-formed Unicode/],
    ['login password', () => api.post('/api/auth/login', { email: user.email, password: 'correct\ud800horse' }), /password must be well-formed Unicode/],
  ])('an unpaired surrogate (which jsonb refuses) is 400 too: %s', async (_case, send, message) => {
    expect400(await send(), message);
  });

  it('in a task update', async () => {
    const task = await createTask(api, user.accessToken);
    expect400(await api.patch(`/api/tasks/${task.id}`, { title: `x${NUL}`, version: task.version }, { token: user.accessToken }), /title must not contain NUL/);
  });

  it('at the service boundary too (auth-service over NATS)', async () => {
    const reply = await natsRequest(nc, AuthContract.register.subject, { email: uniqueEmail(), password: 'correct horse battery', name: `Ada${NUL}` });
    expect(reply.err).toMatchObject({ code: 'VALIDATION', message: [expect.stringMatching(/name must not contain NUL/)] });
  });
});

describe('cursors that decode to the wrong shape answer 400', () => {
  /** Signed exactly as tasks-service signs them: what someone with the secret, or a guess of it, could send. */
  const signed = (body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    return Buffer.concat([createHmac('sha256', CURSOR_SECRET).update(bytes).digest(), bytes]).toString('base64url');
  };
  const id = '55555555-5555-4555-8555-555555555555';

  it('a real cursor of this secret still works', async () => {
    await createTask(api, user.accessToken);
    await createTask(api, user.accessToken);
    const page = await api.get('/api/tasks?limit=1', { token: user.accessToken });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect((await api.get(`/api/tasks?limit=1&cursor=${page.body.nextCursor}`, { token: user.accessToken })).status).toBe(200);
    // The suite's secret is the one tasks-service uses: a cursor signed here decodes there.
    const forgedGood = signed({ s: 'createdAt', o: 'desc', v: '2999-01-01 00:00:00+00', id });
    expect((await api.get(`/api/tasks?cursor=${forgedGood}`, { token: user.accessToken })).status).toBe(200);
  });

  it.each([
    ['a sort value that is no time', { s: 'createdAt', o: 'desc', v: 'not a time', id }, ''],
    ['a NUL in the sort value', { s: 'createdAt', o: 'desc', v: `2030-01-01 00:00:00+00${NUL}`, id }, ''],
    ['a number for the sort value', { s: 'createdAt', o: 'desc', v: 12, id }, ''],
    ['an object for the sort value', { s: 'createdAt', o: 'desc', v: { $gt: '' }, id }, ''],
    ['a priority that is no number', { s: 'priority', o: 'asc', v: 'high', id }, '&sort=priority&order=asc'],
    ['a due date that is no date', { s: 'dueDate', o: 'desc', v: 'tomorrow', id }, '&sort=dueDate'],
    ['an array', [1, 2, 3], ''],
    ['null', null, ''],
  ])('tasks: %s', async (_case, body, query) => {
    expect400(await api.get(`/api/tasks?cursor=${signed(body)}${query}`, { token: user.accessToken }), /cursor is not a valid cursor/);
  });

  it('users: a cursor whose name holds a NUL', async () => {
    const cursor = Buffer.from(JSON.stringify([`a${NUL}`, id])).toString('base64url');
    expect400(await api.get(`/api/users?cursor=${cursor}`, { token: user.accessToken }), /cursor is not a valid cursor/);
  });
});
