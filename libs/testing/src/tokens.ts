import { createHmac, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { AccessTokenSigner, generateSigningKey, type AccessTokenClaims } from '#auth';
import { DEVELOPMENT_SIGNING_KEY, publicHalf, type PrivateSigningJwk } from '#config';
import type { Actor, Role } from '#contracts';

export interface TokenHolder {
  id: string;
  role: Role;
  sessionId: string;
  token: string;
}

/**
 * An access token signed exactly as auth-service signs it, for a made-up user: by default with
 * the development key the test stacks run with; `signingKey` makes a token nobody trusts.
 */
export function mintAccessToken(options: { id?: string; role?: Role; sessionId?: string; ttlSeconds?: number; signingKey?: PrivateSigningJwk } = {}): TokenHolder {
  const signingKey = options.signingKey ?? DEVELOPMENT_SIGNING_KEY;
  const signer = new AccessTokenSigner({ publicKeys: [publicHalf(signingKey)], ttlSeconds: options.ttlSeconds ?? 900, signingKey });
  const claims: AccessTokenClaims = { sub: options.id ?? randomUUID(), role: options.role ?? 'member', sid: options.sessionId ?? randomUUID() };
  return { id: claims.sub, role: claims.role, sessionId: claims.sid, token: signer.sign(claims) };
}

/** A token for an actor of a test, to send straight to a service over NATS. */
export function tokenFor(actor: Actor): string {
  return mintAccessToken({ id: actor.id, role: actor.role, sessionId: actor.sessionId }).token;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Any header and claims, ES256-signed with `key`: for tokens auth-service would never issue. */
export function signJwt(header: object, claims: object, key: PrivateSigningJwk = DEVELOPMENT_SIGNING_KEY): string {
  const body = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(body), { key: createPrivateKey({ key: { ...key }, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${body}.${signature.toString('base64url')}`;
}

/**
 * Tokens every verifier must refuse, each naming the user `actor` (so a careless verifier would
 * act for them): forged, confused, expired, exp-less, overlong, foreign, unknown key.
 */
export function forgedTokens(actor: { id: string; role: Role }): { name: string; token: string }[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: actor.id, role: actor.role, sid: randomUUID(), iss: 'taskflow-auth', aud: 'taskflow-api', iat: now, exp: now + 600 };
  const header = { alg: 'ES256', typ: 'JWT', kid: DEVELOPMENT_SIGNING_KEY.kid };
  const impostor = { ...generateSigningKey(DEVELOPMENT_SIGNING_KEY.kid) };
  const hmacBody = `${b64({ alg: 'HS256', typ: 'JWT', kid: DEVELOPMENT_SIGNING_KEY.kid })}.${b64(claims)}`;
  // The classic confusion: HS256 keyed with the public key a verifier holds.
  const publicPem = createPublicKey({ key: { ...publicHalf(DEVELOPMENT_SIGNING_KEY) }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const good = signJwt(header, claims);
  const [goodHeader, , goodSignature] = good.split('.');
  const { exp: _exp, ...withoutExp } = claims;
  return [
    { name: 'alg none', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.` },
    { name: 'HS256 re-signed with the public key', token: `${hmacBody}.${createHmac('sha256', publicPem).update(hmacBody).digest('base64url')}` },
    { name: 'signed by another key under the same kid', token: signJwt(header, claims, impostor) },
    { name: 'an unknown kid', token: signJwt({ ...header, kid: 'someone-else' }, claims, { ...impostor, kid: 'someone-else' }) },
    { name: 'no kid', token: signJwt({ alg: 'ES256', typ: 'JWT' }, claims) },
    { name: 'expired', token: signJwt(header, { ...claims, iat: now - 1200, exp: now - 600 }) },
    { name: 'no exp', token: signJwt(header, withoutExp) },
    { name: 'a lifetime over the TTL', token: signJwt(header, { ...claims, exp: now + 30 * 86400 }) },
    { name: 'a wrong issuer', token: signJwt(header, { ...claims, iss: 'evil' }) },
    { name: 'a wrong audience', token: signJwt(header, { ...claims, aud: 'taskflow-refresh' }) },
    { name: 'a tampered payload', token: `${goodHeader}.${b64({ ...claims, role: claims.role === 'admin' ? 'member' : 'admin' })}.${goodSignature}` },
    { name: 'garbage', token: 'not-a-token' },
  ];
}
