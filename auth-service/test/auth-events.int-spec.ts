import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { AUTH_EVENTS_STREAM, AuthContract, type AuthEvent, type AuthSession } from '#contracts';
import { connectAs, natsRequest, readStreamEvents, startService, testEnv, TEST_ADMIN, tokenFor, uniqueEmail, waitFor, type RunningService } from '#testing';

let service: RunningService;
let nc: NatsConnection;

beforeAll(async () => {
  service = await startService('auth-service', testEnv());
  // Sends requests (as the gateway would) and reads the stream with an ephemeral consumer: the harness's admin.
  nc = await connectAs('test-admin');
});
afterAll(async () => {
  await nc?.close();
  await service?.stop();
});

const eventsOf = (since: Date, userId: string, count: number) =>
  waitFor(async () => {
    const events = await readStreamEvents<AuthEvent>(nc, AUTH_EVENTS_STREAM, since, (e) => e.userId === userId);
    return events.length >= count ? events : undefined;
  }, 10000, `${count} auth events of ${userId}`);

const sessionOf = (accessToken: string): string => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

describe('auth events', () => {
  it('are published once each through the outbox: registered, login, login_failed, logout, role_changed', async () => {
    const since = new Date(Date.now() - 1000);
    const email = uniqueEmail('events');
    const registered = await natsRequest<AuthSession>(nc, AuthContract.register.subject, { email, password: 'correct horse battery', name: 'Evie' });
    const user = registered.response!.user;
    const failed = await natsRequest(nc, AuthContract.login.subject, { email, password: 'wrong password!' });
    expect(failed.err?.code).toBe('UNAUTHORIZED');
    const login = await natsRequest<AuthSession>(nc, AuthContract.login.subject, { email, password: 'correct horse battery' });
    await natsRequest(nc, AuthContract.logout.subject, { refreshToken: login.response!.refreshToken });
    const admin = await natsRequest<AuthSession>(nc, AuthContract.login.subject, TEST_ADMIN);
    const adminActor = { id: admin.response!.user.id, role: 'admin' as const };
    expect((await natsRequest(nc, AuthContract.changeRole.subject, { userId: user.id, role: 'admin' }, { accessToken: tokenFor(adminActor) })).err).toBeUndefined();

    const events = await eventsOf(since, user.id, 5);
    expect(events.map((e) => e.type)).toEqual(['user.registered', 'user.login_failed', 'user.login', 'user.logout', 'user.role_changed']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
    const [reg, bad, , logout, role] = events;
    expect(reg).toMatchObject({ userId: user.id, actorId: user.id, data: { email } });
    // The revoked login is named, so realtime-service can end its sockets.
    expect(logout).toMatchObject({ actorId: user.id, data: { sessions: 'one', sessionIds: [sessionOf(login.response!.accessToken)], reason: 'logout' } });
    expect(bad).toMatchObject({ actorId: null, data: { email } });
    expect(role).toMatchObject({ actorId: adminActor.id, data: { from: 'member', to: 'admin' } });
    expect(JSON.stringify(events)).not.toMatch(/correct horse|wrong password|\$2b\$/);
  });

  it('name exactly the revoked logins: logout-all every one, a password change all but the caller\'s', async () => {
    const since = new Date(Date.now() - 1000);
    const email = uniqueEmail('revoke');
    const password = 'correct horse battery';
    const registered = await natsRequest<AuthSession>(nc, AuthContract.register.subject, { email, password, name: 'Rev' });
    const user = registered.response!.user;
    const signIn = async (with_ = password) => sessionOf((await natsRequest<AuthSession>(nc, AuthContract.login.subject, { email, password: with_ })).response!.accessToken);
    const [first, second, third] = [sessionOf(registered.response!.accessToken), await signIn(), await signIn()];
    // Acting for the user of one login: their access token of that login, as the gateway forwards it.
    const as = (sessionId: string) => ({ accessToken: tokenFor({ id: user.id, role: 'member', sessionId }) });

    const changed = await natsRequest(nc, AuthContract.changePassword.subject, { currentPassword: password, newPassword: 'another good passphrase' }, as(first));
    expect(changed.err).toBeUndefined();
    const fourth = await signIn('another good passphrase');
    expect((await natsRequest(nc, AuthContract.logoutAll.subject, {}, as(fourth))).err).toBeUndefined();

    const revocations = (await eventsOf(since, user.id, 6)).filter((e) => e.type === 'user.logout');
    expect(revocations).toHaveLength(2);
    const [afterPassword, afterLogoutAll] = revocations;
    expect(afterPassword).toMatchObject({ actorId: user.id, data: { sessions: 'others', keptSessionId: first, reason: 'password_changed' } });
    expect([...(afterPassword!.data.sessionIds as string[])].sort()).toEqual([second, third].sort());
    expect(afterLogoutAll).toMatchObject({ actorId: user.id, data: { sessions: 'all', reason: 'logout_all' } });
    // Already revoked logins are not named again.
    expect([...(afterLogoutAll!.data.sessionIds as string[])].sort()).toEqual([first, fourth].sort());
  });

  it('records a failed login for an unknown email without a user id', async () => {
    const since = new Date(Date.now() - 1000);
    const email = uniqueEmail('ghost');
    await natsRequest(nc, AuthContract.login.subject, { email, password: 'whatever-password' });
    const events = await waitFor(async () => {
      const found = await readStreamEvents<AuthEvent>(nc, AUTH_EVENTS_STREAM, since, (e) => e.data.email === email);
      return found.length > 0 ? found : undefined;
    }, 10000, 'login_failed event');
    expect(events).toEqual([expect.objectContaining({ type: 'user.login_failed', userId: null, actorId: null })]);
  });
});
