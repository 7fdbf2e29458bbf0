import { describe, expect, it } from '@jest/globals';
import { AccessTokenVerifier } from '#auth';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import { RefreshTokens } from './refresh-tokens.js';

const env = { JWT_REFRESH_SECRET: 'unit-test-refresh-secret-0123456789-abcd', JWT_REFRESH_TTL: 3600 };
const refreshTokens = new RefreshTokens(env);
const userId = '3b241101-e2bb-4255-8caf-4136c566a962';
const familyId = '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11';

describe('RefreshTokens', () => {
  it('round-trips user, family and token id, and stores only a hash', async () => {
    const signed = await refreshTokens.sign(userId, familyId);
    expect(await refreshTokens.verify(signed.token)).toMatchObject({ sub: userId, fam: familyId, jti: signed.id });
    expect(signed.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.tokenHash).toBe(RefreshTokens.hash(signed.token));
    expect(signed.tokenHash).not.toContain(signed.token.slice(0, 20));
    expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('gives every token a new id', async () => {
    const [a, b] = await Promise.all([refreshTokens.sign(userId, familyId), refreshTokens.sign(userId, familyId)]);
    expect(a.id).not.toBe(b.id);
    expect(a.token).not.toBe(b.token);
  });

  it('refuses tampered tokens and tokens under another secret', async () => {
    const { token } = await refreshTokens.sign(userId, familyId);
    expect(await refreshTokens.verify(`${token.slice(0, -2)}xx`)).toBeNull();
    const other = new RefreshTokens({ ...env, JWT_REFRESH_SECRET: 'another-refresh-secret-0123456789-abcdef' });
    expect(await other.verify(token)).toBeNull();
  });

  it('is not accepted as an access token', async () => {
    const { token } = await refreshTokens.sign(userId, familyId);
    const access = new AccessTokenVerifier({ publicKeys: [publicHalf(DEVELOPMENT_SIGNING_KEY)], ttlSeconds: 60 });
    expect(access.verify(token)).toBeNull();
  });

  it('derive a successor that can be signed again, identically, from its stored expiry', async () => {
    const first = await refreshTokens.sign(userId, familyId);
    const claims = (await refreshTokens.verify(first.token))!;
    const successor = await refreshTokens.successorOf(claims);
    expect(successor.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(successor.id).not.toBe(first.id);
    expect(successor.expiresAt.getTime() % 1000).toBe(0);
    expect(await refreshTokens.verify(successor.token)).toMatchObject({ sub: userId, fam: familyId, jti: successor.id });
    const again = await refreshTokens.successorOf(claims, successor.expiresAt);
    expect(again).toEqual(successor);
    // Another predecessor, or another secret, gives another successor id.
    const other = await refreshTokens.successorOf({ ...claims, jti: first.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
    expect(other.id).not.toBe(successor.id);
    const otherSecret = new RefreshTokens({ ...env, JWT_REFRESH_SECRET: 'another-refresh-secret-0123456789-abcdef' });
    expect((await otherSecret.successorOf(claims)).id).not.toBe(successor.id);
  });
});
