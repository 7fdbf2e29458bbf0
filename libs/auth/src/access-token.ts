import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { PrivateSigningJwk, PublicSigningJwk } from '#config';
import { ROLES, type Actor, type Role } from '#contracts';

/** Pinned: a token under any other algorithm (HS256 with the public key as secret, `none`…) is refused. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
export const TOKEN_ISSUER = 'taskflow-auth';
export const TOKEN_AUDIENCE = 'taskflow-api';
/** Clock difference tolerated between auth-service and a verifier. */
export const CLOCK_SKEW_SECONDS = 30;

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  /** The login (refresh family) this token was issued for. */
  sid: string;
}

export interface VerifiedAccessToken extends Actor {
  sessionId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface AccessTokenOptions {
  /** Every key a token may be signed with, by kid: the current one and those still rotating out. */
  publicKeys: PublicSigningJwk[];
  ttlSeconds: number;
  /** auth-service only. */
  signingKey?: PrivateSigningJwk;
}
export const ACCESS_TOKEN_OPTIONS = Symbol('ACCESS_TOKEN_OPTIONS');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Enough for every live token of a busy replica; the oldest entries make room. */
const VERIFIED_CACHE_SIZE = 10_000;

/** The token's header, read before verifying it only to pick the key; null if unreadable. */
export function tokenKeyId(token: string): string | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString()) as { kid?: unknown; alg?: unknown };
    return header.alg === ACCESS_TOKEN_ALGORITHM && typeof header.kid === 'string' ? header.kid : null;
  } catch {
    return null;
  }
}

/**
 * Checks access tokens against the public keys only. A verified token is remembered until it
 * expires (a signature check is ~20x the cost of the lookup), bounded in size.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly jwt = new JwtService({ verifyOptions: { algorithms: [ACCESS_TOKEN_ALGORITHM], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE } });
  private readonly verified = new Map<string, VerifiedAccessToken>();

  constructor(@Inject(ACCESS_TOKEN_OPTIONS) private readonly options: AccessTokenOptions) {
    this.keys = new Map(options.publicKeys.map((jwk) => [jwk.kid, createPublicKey({ key: { ...jwk }, format: 'jwk' })]));
  }

  /** The public key for a kid, for verifiers that drive jsonwebtoken themselves (passport-jwt). */
  keyFor(kid: string | null): KeyObject | undefined {
    return kid === null ? undefined : this.keys.get(kid);
  }

  /** Resolves the caller, or null for any token that is malformed, forged, expired, foreign or under an unknown key. */
  verify(token: string): VerifiedAccessToken | null {
    const known = this.remembered(token);
    if (known) return known;
    const key = this.keyFor(tokenKeyId(token));
    if (!key) return null;
    try {
      const caller = this.callerOf(this.jwt.verify<Record<string, unknown>>(token, { publicKey: key as unknown as string }));
      if (caller) this.remember(token, caller);
      return caller;
    } catch {
      return null;
    }
  }

  /**
   * The claims every verifier insists on beyond the signature, `iss` and `aud`: a uuid subject,
   * a known role, a session, `iat` and `exp`, and no lifetime longer than tokens are issued for.
   */
  callerOf(claims: Record<string, unknown>): VerifiedAccessToken | null {
    const { sub, role, sid, iat, exp } = claims;
    if (typeof sub !== 'string' || !UUID.test(sub) || !ROLES.includes(role as Role) || typeof sid !== 'string' || !UUID.test(sid)) return null;
    if (typeof iat !== 'number' || typeof exp !== 'number') return null;
    const now = Math.floor(Date.now() / 1000);
    if (exp <= now || iat > now + CLOCK_SKEW_SECONDS || exp - iat > this.options.ttlSeconds + CLOCK_SKEW_SECONDS) return null;
    return { id: sub, role: role as Role, sessionId: sid, expiresAt: exp };
  }

  /** A token verified before and not yet expired. */
  remembered(token: string): VerifiedAccessToken | null {
    const caller = this.verified.get(token);
    if (!caller) return null;
    if (caller.expiresAt > Date.now() / 1000) return caller;
    this.verified.delete(token);
    return null;
  }

  remember(token: string, caller: VerifiedAccessToken): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, caller);
  }
}

/** auth-service's half: signs with the private key, its kid in the header. */
@Injectable()
export class AccessTokenSigner {
  private readonly jwt: JwtService;

  constructor(@Inject(ACCESS_TOKEN_OPTIONS) options: AccessTokenOptions) {
    const signingKey = options.signingKey;
    if (!signingKey) throw new Error('AccessTokenSigner needs a signing key');
    if (!options.publicKeys.some((key) => key.kid === signingKey.kid)) {
      throw new Error(`JWT_PUBLIC_KEYS must include the signing key (kid ${signingKey.kid}), or nobody can verify its tokens`);
    }
    this.jwt = new JwtService({
      privateKey: createPrivateKey({ key: { ...signingKey }, format: 'jwk' }) as unknown as string,
      signOptions: {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        keyid: signingKey.kid,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        expiresIn: options.ttlSeconds,
      },
    });
  }

  sign(claims: AccessTokenClaims): string {
    return this.jwt.sign({ sub: claims.sub, role: claims.role, sid: claims.sid });
  }
}

/** A fresh ES256 key pair under `kid`, in the JWK form JWT_SIGNING_KEY and JWT_PUBLIC_KEYS take. */
export function generateSigningKey(kid: string): PrivateSigningJwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y, d } = privateKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig', x: x!, y: y!, d: d! };
}
