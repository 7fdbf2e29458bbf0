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
    const [reg, bad, , , role] = events;
    expect(reg).toMatchObject({ userId: user.id, actorId: user.id, data: { email } });
    expect(bad).toMatchObject({ actorId: null, data: { email } });
    expect(role).toMatchObject({ actorId: adminActor.id, data: { from: 'member', to: 'admin' } });
    expect(JSON.stringify(events)).not.toMatch(/correct horse|wrong password|\$2b\$/);
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
