import { createHash, createSecretKey, randomUUID } from 'node:crypto';
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
  expiresAt: Date;
}

/** Refresh tokens are JWTs under their own secret and audience, so they never pass as access tokens. */
@Injectable()
export class RefreshTokens {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'JWT_REFRESH_SECRET' | 'JWT_REFRESH_TTL'>) {
    this.jwt = new JwtService({
      // A KeyObject: see AccessTokens (libs/auth) for why.
      secret: createSecretKey(Buffer.from(env.JWT_REFRESH_SECRET)) as unknown as string,
      signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: REFRESH_AUDIENCE, expiresIn: env.JWT_REFRESH_TTL },
      verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: REFRESH_AUDIENCE },
    });
  }

  static hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  async sign(userId: string, familyId: string): Promise<SignedRefreshToken> {
    const id = randomUUID();
    const token = await this.jwt.signAsync({ sub: userId, fam: familyId, jti: id });
    return { token, id, tokenHash: RefreshTokens.hash(token), expiresAt: new Date(Date.now() + this.env.JWT_REFRESH_TTL * 1000) };
  }

  async verify(token: string): Promise<RefreshTokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<RefreshTokenClaims>(token);
      return typeof claims.sub === 'string' && typeof claims.fam === 'string' && typeof claims.jti === 'string' ? claims : null;
    } catch {
      return null;
    }
  }
}
