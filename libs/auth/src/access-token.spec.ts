import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { AccessTokens } from './access-token.js';

const secret = 'unit-test-access-secret-0123456789-abcdef';
const tokens = new AccessTokens({ secret, ttlSeconds: 60 });
const claims = { sub: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'member' as const, sid: '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11' };

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function forge(header: object, payload: object, key = secret, algorithm = 'sha256'): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(algorithm, key).update(body).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const validPayload = () => ({ ...claims, iss: 'taskflow-auth', aud: 'taskflow-api', iat: now(), exp: now() + 60 });

describe('AccessTokens', () => {
  it('verifies what it signs', async () => {
    const verified = await tokens.verify(await tokens.sign(claims));
    expect(verified).toMatchObject({ id: claims.sub, role: 'member', sessionId: claims.sid });
    expect(verified!.expiresAt).toBeGreaterThan(now());
  });

  it('accepts a hand-made HS256 token with the right issuer and audience', async () => {
    expect(await tokens.verify(forge({ alg: 'HS256', typ: 'JWT' }, validPayload()))).not.toBeNull();
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(validPayload())}.`],
    ['HS512 instead of the pinned HS256', () => forge({ alg: 'HS512', typ: 'JWT' }, validPayload(), secret, 'sha512')],
    ['another secret', () => forge({ alg: 'HS256', typ: 'JWT' }, validPayload(), 'another-secret-0123456789-0123456789')],
    ['wrong issuer', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...validPayload(), iss: 'evil' })],
    ['wrong audience', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...validPayload(), aud: 'taskflow-refresh' })],
    ['expired', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...validPayload(), exp: now() - 5 })],
    ['unknown role', () => forge({ alg: 'HS256', typ: 'JWT' }, { ...validPayload(), role: 'root' })],
    ['tampered payload', () => {
      const [h, , s] = forge({ alg: 'HS256', typ: 'JWT' }, validPayload()).split('.');
      return `${h}.${b64({ ...validPayload(), role: 'admin' })}.${s}`;
    }],
    ['garbage', () => 'not-a-token'],
  ])('refuses a token with %s', async (_case, make) => {
    expect(await tokens.verify(make())).toBeNull();
  });
});
