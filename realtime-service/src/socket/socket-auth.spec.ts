import { describe, expect, it, jest } from '@jest/globals';
import type { VerifiedAccessToken } from '#auth';
import { handshakeToken, msUntilExpiry, socketAuthMiddleware, UNAUTHORIZED, type RevocationCheck, type TasksSocket, type TokenVerifier } from './socket-auth.js';

const user: VerifiedAccessToken = { id: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'member', sessionId: '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11', expiresAt: 2_000_000_000 };

function socketWith(auth: unknown): TasksSocket {
  return { handshake: { auth }, data: {} } as unknown as TasksSocket;
}

const notRevoked: RevocationCheck = { reasonFor: () => Promise.resolve(undefined) };

function run(verifier: TokenVerifier, socket: TasksSocket, revoked = notRevoked): Promise<Error | undefined> {
  return new Promise((resolve) => socketAuthMiddleware(verifier, revoked)(socket, resolve));
}

describe('socket handshake auth', () => {
  it('reads the token from auth.token, tolerating a Bearer prefix', () => {
    expect(handshakeToken({ token: 'abc' })).toBe('abc');
    expect(handshakeToken({ token: 'Bearer abc' })).toBe('abc');
    expect(handshakeToken({ token: '' })).toBeUndefined();
    expect(handshakeToken({ token: { $gt: '' } })).toBeUndefined();
    expect(handshakeToken(undefined)).toBeUndefined();
    expect(handshakeToken({ token: 'x'.repeat(5000) })).toBeUndefined();
  });

  it('admits a verified token and keeps the user on the socket', async () => {
    const verify = jest.fn<TokenVerifier['verify']>().mockReturnValue(user);
    const socket = socketWith({ token: 'good' });
    expect(await run({ verify }, socket)).toBeUndefined();
    expect(verify).toHaveBeenCalledWith('good');
    expect(socket.data.user).toBe(user);
    expect(socket.data.accessToken).toBe('good');
  });

  it('refuses with "Unauthorized" when there is no token, a bad one, or verification throws', async () => {
    const never = jest.fn<TokenVerifier['verify']>();
    expect((await run({ verify: never }, socketWith({})))?.message).toBe(UNAUTHORIZED);
    expect(never).not.toHaveBeenCalled();
    expect((await run({ verify: jest.fn<TokenVerifier['verify']>().mockReturnValue(null) }, socketWith({ token: 'bad' })))?.message).toBe(UNAUTHORIZED);
    const throwing = jest.fn<TokenVerifier['verify']>().mockImplementation(() => {
      throw new Error('boom');
    });
    expect((await run({ verify: throwing }, socketWith({ token: 'x' })))?.message).toBe(UNAUTHORIZED);
  });

  it('refuses a valid token of a revoked login, checking the token\'s own session', async () => {
    const reasonFor = jest.fn<RevocationCheck['reasonFor']>().mockResolvedValue('logout_all');
    const socket = socketWith({ token: 'good' });
    expect((await run({ verify: jest.fn<TokenVerifier['verify']>().mockReturnValue(user) }, socket, { reasonFor }))?.message).toBe(UNAUTHORIZED);
    expect(reasonFor).toHaveBeenCalledWith(user.sessionId);
    expect(socket.data.user).toBeUndefined();
  });

  it('times expiry from the token exp, bounded for setTimeout', () => {
    expect(msUntilExpiry(1000, 999_000)).toBe(1000);
    expect(msUntilExpiry(1000, 2_000_000)).toBe(0);
    expect(msUntilExpiry(10 ** 12, 0)).toBe(2 ** 31 - 1);
  });
});
