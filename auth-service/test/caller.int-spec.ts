import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuthContract, type AuthSession } from '#contracts';
import { connectAs, forgedTokens, natsRequest, startService, testEnv, tokenFor, uniqueEmail, type RunningService } from '#testing';

let service: RunningService;
let nc: NatsConnection;
let member: AuthSession['user'];

beforeAll(async () => {
  service = await startService('auth-service', testEnv());
  nc = await connectAs('gateway');
  const registered = await natsRequest<AuthSession>(nc, AuthContract.register.subject, { email: uniqueEmail('caller'), password: 'correct horse battery', name: 'Cal' });
  member = registered.response!.user;
});
afterAll(async () => {
  await nc?.close();
  await service?.stop();
});

describe('auth-service takes the caller from a token it verifies', () => {
  const userSubjects = () => [
    { subject: AuthContract.me.subject, data: {} },
    { subject: AuthContract.logoutAll.subject, data: {} },
    { subject: AuthContract.changePassword.subject, data: { currentPassword: 'correct horse battery', newPassword: 'another long password' } },
    { subject: AuthContract.searchUsers.subject, data: { q: 'cal' } },
    { subject: AuthContract.changeRole.subject, data: { userId: member.id, role: 'admin' } },
  ];

  it('refuses a missing or forged token on every subject that acts for a user', async () => {
    for (const { subject, data } of userSubjects()) {
      expect({ subject, err: (await natsRequest(nc, subject, data)).err }).toMatchObject({ subject, err: { code: 'UNAUTHORIZED' } });
      for (const { name, token } of forgedTokens({ id: member.id, role: 'admin' })) {
        const { err } = await natsRequest(nc, subject, data, { accessToken: token });
        expect({ subject, name, err }).toMatchObject({ subject, name, err: { code: 'UNAUTHORIZED' } });
      }
    }
    // The forged admin tokens changed nothing.
    expect((await natsRequest(nc, AuthContract.me.subject, {}, { accessToken: tokenFor({ id: member.id, role: 'member' }) })).response).toMatchObject({ role: 'member' });
  });

  it('refuses an `actor` in the payload, and acts for the token: a member cannot make themself admin', async () => {
    const memberToken = tokenFor({ id: member.id, role: 'member' });
    const smuggled = await natsRequest(nc, AuthContract.changeRole.subject, { userId: member.id, role: 'admin', actor: { id: member.id, role: 'admin' } }, { accessToken: memberToken });
    expect(smuggled.err).toMatchObject({ code: 'VALIDATION' });
    const honest = await natsRequest(nc, AuthContract.changeRole.subject, { userId: member.id, role: 'admin' }, { accessToken: memberToken });
    expect(honest.err).toMatchObject({ code: 'FORBIDDEN' });
    expect((await natsRequest(nc, AuthContract.me.subject, {}, { accessToken: memberToken })).response).toMatchObject({ id: member.id, role: 'member' });
  });
});
