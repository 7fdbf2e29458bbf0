import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_SIGNING_KEY, publicHalf, type PrivateSigningJwk } from '#config';
import { forgedTokens } from '#testing';
import { AccessTokenSigner, AccessTokenVerifier, generateSigningKey, tokenKeyId } from './access-token.js';

const claims = { sub: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'member' as const, sid: '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11' };
const signerFor = (signingKey: PrivateSigningJwk, publicKeys = [publicHalf(signingKey)]) => new AccessTokenSigner({ publicKeys, ttlSeconds: 900, signingKey });
const verifierFor = (...keys: PrivateSigningJwk[]) => new AccessTokenVerifier({ publicKeys: keys.map(publicHalf), ttlSeconds: 900 });

describe('access tokens', () => {
  it('are ES256, name their key, and verify with the public key alone', () => {
    const token = signerFor(DEVELOPMENT_SIGNING_KEY).sign(claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ES256', kid: DEVELOPMENT_SIGNING_KEY.kid });
    expect(tokenKeyId(token)).toBe(DEVELOPMENT_SIGNING_KEY.kid);
    const verified = verifierFor(DEVELOPMENT_SIGNING_KEY).verify(token);
    expect(verified).toMatchObject({ id: claims.sub, role: 'member', sessionId: claims.sid });
    expect(verified!.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it.each(forgedTokens({ id: claims.sub, role: 'admin' }).map(({ name, token }) => [name, token]))('refuses a token with %s', (_name, token) => {
    expect(verifierFor(DEVELOPMENT_SIGNING_KEY).verify(token)).toBeNull();
  });

  it('remembers a verified token, and never an unverified one', () => {
    const verifier = verifierFor(DEVELOPMENT_SIGNING_KEY);
    const token = signerFor(DEVELOPMENT_SIGNING_KEY).sign(claims);
    expect(verifier.remembered(token)).toBeNull();
    verifier.verify(token);
    expect(verifier.remembered(token)).toMatchObject({ id: claims.sub });
    const forged = forgedTokens({ id: claims.sub, role: 'admin' })[2]!.token;
    verifier.verify(forged);
    expect(verifier.remembered(forged)).toBeNull();
  });

  it('rotate by kid: the new key signs, tokens under the previous one verify until it is removed', () => {
    const previous = generateSigningKey('2026-11');
    const next = generateSigningKey('2026-12');
    const oldToken = signerFor(previous).sign(claims);
    const newToken = signerFor(next, [publicHalf(previous), publicHalf(next)]).sign(claims);
    expect(tokenKeyId(newToken)).toBe('2026-12');

    const duringRotation = verifierFor(previous, next);
    expect(duringRotation.verify(oldToken)).not.toBeNull();
    expect(duringRotation.verify(newToken)).not.toBeNull();

    const afterRotation = verifierFor(next);
    expect(afterRotation.verify(oldToken)).toBeNull();
    expect(afterRotation.verify(newToken)).not.toBeNull();
  });

  it('refuse to sign with a key the verifiers are not given', () => {
    expect(() => signerFor(generateSigningKey('new'), [publicHalf(DEVELOPMENT_SIGNING_KEY)])).toThrow(/JWT_PUBLIC_KEYS must include the signing key \(kid new\)/);
  });
});
