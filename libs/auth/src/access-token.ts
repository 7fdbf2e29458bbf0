import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ROLES, type Actor, type Role } from '#contracts';

/** Pinned, so a token signed with another algorithm (or `none`) is never accepted. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'taskflow-auth';
export const TOKEN_AUDIENCE = 'taskflow-api';

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
  secret: string;
  ttlSeconds: number;
}
export const ACCESS_TOKEN_OPTIONS = Symbol('ACCESS_TOKEN_OPTIONS');

@Injectable()
export class AccessTokens {
  private readonly jwt: JwtService;

  constructor(@Inject(ACCESS_TOKEN_OPTIONS) private readonly options: AccessTokenOptions) {
    this.jwt = new JwtService({
      // A KeyObject, not the string: jsonwebtoken otherwise tries (and fails) to parse the
      // string as a public key on every call, which was a sixth of the gateway's CPU.
      secret: createSecretKey(Buffer.from(options.secret)) as unknown as string,
      signOptions: { algorithm: ACCESS_TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn: options.ttlSeconds },
      verifyOptions: { algorithms: [ACCESS_TOKEN_ALGORITHM], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
    });
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    return this.jwt.signAsync({ ...claims });
  }

  /** Resolves to the caller, or to null for any token that is malformed, forged, expired or foreign. */
  async verify(token: string): Promise<VerifiedAccessToken | null> {
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp: number }>(token);
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role) || typeof claims.sid !== 'string') return null;
      return { id: claims.sub, role: claims.role, sessionId: claims.sid, expiresAt: claims.exp };
    } catch {
      return null;
    }
  }
}
