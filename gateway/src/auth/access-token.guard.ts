import { type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from '#auth';
import { IS_PUBLIC } from './auth.decorators.js';
import { ACCESS_TOKEN_STRATEGY } from './access-token.strategy.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header.trim())?.[1] : undefined;
}

/**
 * Global: every route needs a valid access token unless marked @Public(). passport-jwt checks
 * a token the first time; a token already verified is taken from the verifier's memory until
 * it expires, which keeps a signature check off most requests.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    const known = token ? this.tokens.remembered(token) : null;
    if (known) request.actor = known;
    else await super.canActivate(context);
    // Forwarded with every NATS request made for this caller: each service verifies it again.
    request.accessToken = token;
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: 'actor' };
  }

  override handleRequest<User>(error: unknown, user: User | false, _info: unknown, context: ExecutionContext): User {
    if (user) return user;
    void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    throw new UnauthorizedException(header ? 'Invalid or expired access token' : 'Missing access token');
  }
}
