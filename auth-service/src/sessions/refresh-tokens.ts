import { createHash, createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_ENV } from '#config';
import { TOKEN_ISSUER } from '#auth';
import type { AuthEnv } from '../config/auth.env.js';

const REFRESH_AUDIENCE = 'taskflow-refresh';

export interface RefreshTokenClaims {
  sub: string;
  /** Family (login) id. */
  fam: string;
  jti: string;
}

export interface SignedRefreshToken {
  token: string;
  id: string;
  tokenHash: string;
  /** Whole seconds: the token's `exp`, so the token can be signed again from the stored row. */
  expiresAt: Date;
}

/**
 * Refresh tokens are JWTs under their own secret and audience, so they never pass as access tokens.
 *
 * A token's successor is deterministic: its id is an HMAC of the predecessor's id under a
 * key derived from the secret, and its `iat`/`exp` follow from the expiry stored with it.
 * So, within the reuse grace window, the same successor can be handed out again (two tabs
 * refreshing with one cookie) while only its hash is stored: no plain or encrypted token at
 * rest, and nobody without the secret can compute a successor from a predecessor.
 */
@Injectable()
export class RefreshTokens {
  private readonly jwt: JwtService;
  private readonly successorKey: Buffer;

  constructor(@Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'JWT_REFRESH_SECRET' | 'JWT_REFRESH_TTL'>) {
    this.jwt = new JwtService({
      // A KeyObject: see AccessTokens (libs/auth) for why.
      secret: createSecretKey(Buffer.from(env.JWT_REFRESH_SECRET)) as unknown as string,
      // No expiresIn: every payload carries its own iat and exp (see sign), so that signing
      // the same claims twice gives the same token.
      signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: REFRESH_AUDIENCE },
      verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: REFRESH_AUDIENCE },
    });
    // Its own key, so successor ids reveal nothing about signatures made with the secret.
    this.successorKey = createHmac('sha256', env.JWT_REFRESH_SECRET).update('taskflow refresh-token successor id').digest();
  }

  static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** The first token of a new login. */
  sign(userId: string, familyId: string): Promise<SignedRefreshToken> {
    return this.signWith(randomUUID(), userId, familyId, nowSeconds());
  }

  /**
   * The token that replaces `claims`'s token. `expiresAt` omitted: a new one, issued now;
   * given (the stored successor's expiry): the very same token as when it was first issued.
   */
  successorOf(claims: RefreshTokenClaims, expiresAt?: Date): Promise<SignedRefreshToken> {
    const issuedAt = expiresAt ? Math.floor(expiresAt.getTime() / 1000) - this.env.JWT_REFRESH_TTL : nowSeconds();
    return this.signWith(this.successorId(claims.jti), claims.sub, claims.fam, issuedAt);
  }

  async verify(token: string): Promise<RefreshTokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<RefreshTokenClaims>(token);
      return typeof claims.sub === 'string' && typeof claims.fam === 'string' && typeof claims.jti === 'string' ? claims : null;
    } catch {
      return null;
    }
  }

  /** A UUID (version 8: application-defined) computed from the predecessor's id. */
  private successorId(predecessorId: string): string {
    const bytes = createHmac('sha256', this.successorKey).update(predecessorId).digest().subarray(0, 16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x80;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private async signWith(id: string, userId: string, familyId: string, issuedAt: number): Promise<SignedRefreshToken> {
    const exp = issuedAt + this.env.JWT_REFRESH_TTL;
    const token = await this.jwt.signAsync({ sub: userId, fam: familyId, jti: id, iat: issuedAt, exp });
    return { token, id, tokenHash: RefreshTokens.hash(token), expiresAt: new Date(exp * 1000) };
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
