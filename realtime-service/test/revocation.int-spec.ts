import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AUTH_EVENTS_STREAM } from '#contracts';
import { Api, connectError, createTask, refreshCookie, registerUser, startStack, waitFor, waitForConsumerDrained, type EventLog, type Stack, type TestUser, type TokenHolder } from '#testing';
import { RealtimeContext, type Replica } from './factories/realtime-context.js';

/**
 * Revoking a login ends its sockets at once on every replica: the real gateway and
 * auth-service (whose outbox publishes the revocation to AUTH_EVENTS), tasks-service for
 * task events, and two realtime replicas on one Redis.
 */
const ctx = new RealtimeContext();
let stack: Stack;
let api: Api;
let a: Replica;
let b: Replica;
/** SPEC: a revoked session's sockets are disconnected "at once"; the issue asks for 1 s. */
const AT_ONCE_MS = 1000;

beforeAll(async () => {
  stack = await startStack({}, ['auth-service', 'tasks-service']);
  api = new Api(stack.baseUrl);
  await ctx.open();
  [a, b] = await Promise.all([ctx.startReplica(), ctx.startReplica()]);
  // A live feed (deliver: new): it must exist before the first revocation. Revocations that
  // earlier suites left in it (while no realtime-service ran) are worked off before timing ours.
  await waitFor(() => ctx.jsm.consumers.info(AUTH_EVENTS_STREAM, 'realtime-service').then(() => true), 15000, 'the realtime-service consumer on AUTH_EVENTS');
  await waitForConsumerDrained(ctx.nc, AUTH_EVENTS_STREAM, 'realtime-service');
}, 180000);
afterEach(() => ctx.closeSockets());
afterAll(async () => {
  await ctx.close();
  await stack?.close();
});

interface Login {
  holder: TokenHolder;
  cookie: string;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; role: 'admin' | 'member'; sid: string };

function loginOf(accessToken: string, cookie: string): Login {
  const claims = claimsOf(accessToken);
  return { holder: { id: claims.sub, role: claims.role, sessionId: claims.sid, token: accessToken }, cookie };
}

/** A new login (session) of an existing user. */
async function login(user: TestUser, password = user.password): Promise<Login> {
  const response = await api.post('/api/auth/login', { email: user.email, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return loginOf(response.body.accessToken, `refresh_token=${refreshCookie(response)!.value}`);
}

async function newUser(): Promise<{ user: TestUser; first: Login }> {
  const user = await registerUser(api);
  return { user, first: loginOf(user.accessToken, user.cookie) };
}

/** Resolves how long after `since` the socket saw `session:revoked` then the server's disconnect. */
async function ended(log: EventLog, reason: string, since: number): Promise<number> {
  await log.waitFor('disconnect', () => true, AT_ONCE_MS + 4000);
  const elapsed = Date.now() - since;
  const names = log.events.map((event) => event.name);
  expect(names.slice(-2)).toEqual(['session:revoked', 'disconnect']);
  expect(log.matching('session:revoked')).toEqual([{ reason }]);
  expect(log.matching('disconnect')).toEqual(['io server disconnect']);
  return elapsed;
}

/** A task event reaches `live` (so the event path works), and never reached `gone`. */
async function stillLive(ownerToken: string, live: EventLog[], gone: EventLog[]): Promise<void> {
  const task = await createTask(api, ownerToken, { title: 'After the revocation' });
  for (const log of live) await log.waitFor('task:created', (event) => event.taskId === task.id);
  for (const log of live) expect(log.socket.connected).toBe(true);
  for (const log of gone) {
    expect(log.socket.connected).toBe(false);
    expect(log.matching('task:created', (event) => event.taskId === task.id)).toHaveLength(0);
  }
}

describe('revoking sessions', () => {
  it('logout-all disconnects the user\'s sockets on both replicas within a second, with session:revoked first', async () => {
    const { user, first } = await newUser();
    const second = await login(user);
    const bystander = await newUser();
    const sockets = [await ctx.socket(a, first.holder), await ctx.socket(b, first.holder), await ctx.socket(a, second.holder), await ctx.socket(b, second.holder)];
    const unrelated = [await ctx.socket(a, bystander.first.holder), await ctx.socket(b, bystander.first.holder)];

    const response = await api.post('/api/auth/logout-all', undefined, { token: first.holder.token });
    expect(response.status).toBe(204);
    const since = Date.now();
    const elapsed = await Promise.all(sockets.map((log) => ended(log, 'logout_all', since)));
    expect(Math.max(...elapsed)).toBeLessThan(AT_ONCE_MS);

    await stillLive(bystander.first.holder.token, unrelated, []);
    for (const log of unrelated) expect(log.matching('session:revoked')).toHaveLength(0);
  });

  it('a password change disconnects the other sessions\' sockets, while the caller\'s keep receiving task events', async () => {
    const { user, first } = await newUser();
    const [second, third] = [await login(user), await login(user)];
    const own = [await ctx.socket(a, first.holder), await ctx.socket(b, first.holder)];
    const others = [await ctx.socket(a, second.holder), await ctx.socket(b, second.holder), await ctx.socket(b, third.holder)];

    const response = await api.post('/api/auth/password', { currentPassword: user.password, newPassword: 'a brand new passphrase' }, { token: first.holder.token });
    expect(response.status).toBe(204);
    const since = Date.now();
    const elapsed = await Promise.all(others.map((log) => ended(log, 'password_changed', since)));
    expect(Math.max(...elapsed)).toBeLessThan(AT_ONCE_MS);

    await stillLive(first.holder.token, own, others);
    for (const log of own) expect(log.matching('session:revoked')).toHaveLength(0);
    // The kept session opens new sockets; the revoked ones cannot.
    await ctx.socket(b, first.holder);
    expect(await connectError(ctx.client(a, second.holder.token))).toBe('Unauthorized');
  });

  it('logout of one session disconnects only that session\'s sockets, and its token opens no new socket on any replica', async () => {
    const { user, first } = await newUser();
    const second = await login(user);
    const leaving = [await ctx.socket(a, first.holder), await ctx.socket(b, first.holder)];
    const staying = [await ctx.socket(a, second.holder), await ctx.socket(b, second.holder)];

    const response = await api.post('/api/auth/logout', undefined, { cookie: first.cookie });
    expect(response.status).toBe(204);
    const since = Date.now();
    const elapsed = await Promise.all(leaving.map((log) => ended(log, 'logout', since)));
    expect(Math.max(...elapsed)).toBeLessThan(AT_ONCE_MS);

    await stillLive(second.holder.token, staying, leaving);
    // The access token is still unexpired (tokens are stateless), but its login is over.
    expect(await connectError(ctx.client(a, first.holder.token))).toBe('Unauthorized');
    expect(await connectError(ctx.client(b, first.holder.token))).toBe('Unauthorized');
    await ctx.socket(a, second.holder);
  });

  it('a reused refresh token ends the sockets of its whole login', async () => {
    const { user } = await newUser();
    const stolen = await login(user);
    const log = await ctx.socket(b, stolen.holder);
    const rotated = await api.post('/api/auth/refresh', undefined, { cookie: stolen.cookie });
    expect(rotated.status).toBe(200);

    const reused = await api.post('/api/auth/refresh', undefined, { cookie: stolen.cookie });
    expect(reused.status).toBe(401);
    await ended(log, 'refresh_token_reused', Date.now());
    // The access token issued by the rotation belongs to the same login: refused too.
    expect(await connectError(ctx.client(a, rotated.body.accessToken))).toBe('Unauthorized');
  });
});
