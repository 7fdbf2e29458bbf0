import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenVerifier, TOKEN_AUDIENCE, TOKEN_ISSUER, tokenKeyId, type VerifiedAccessToken } from '#auth';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

/**
 * passport-jwt with the public keys: the key is picked by the token's `kid`, the algorithm is
 * pinned, `iss`/`aud`/`exp` are checked by jsonwebtoken, the remaining claims by the verifier.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(private readonly tokens: AccessTokenVerifier) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: Error | null, key?: string) => void) => {
        const key = tokens.keyFor(tokenKeyId(rawToken));
        // A KeyObject, which jsonwebtoken takes as it is (the typings only name strings).
        if (key) done(null, key as unknown as string);
        else done(new Error('unknown signing key'));
      },
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      passReqToCallback: true,
    });
  }

  validate(request: FastifyRequest, claims: Record<string, unknown>): VerifiedAccessToken {
    const caller = this.tokens.callerOf(claims);
    if (!caller) throw new UnauthorizedException('Invalid or expired access token');
    const token = ExtractJwt.fromAuthHeaderAsBearerToken()(request as never);
    if (token) this.tokens.remember(token, caller);
    return caller;
  }
}
