import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NatsContext } from '@nestjs/microservices';
import { AccessTokenVerifier, type VerifiedAccessToken } from '#auth';
import { ErrorCode, RpcError, type Actor } from '#contracts';

/** The NATS header that carries the caller's access token (the gateway's, or a socket's). */
export const ACCESS_TOKEN_HEADER = 'x-access-token';

const SERVICE_CALL = 'nats:serviceCall';

/**
 * Marks a handler that acts for nobody (pings, user look-ups between services, sign-in):
 * NATS permissions alone decide who may call it. Every other handler needs a verified token.
 */
export const ServiceCall = () => SetMetadata(SERVICE_CALL, true);

const callers = new WeakMap<object, VerifiedAccessToken>();

export function accessTokenOf(context: NatsContext): string | undefined {
  return context.getHeaders?.()?.get(ACCESS_TOKEN_HEADER) || undefined;
}

/**
 * Global guard of every NATS service: the caller is whoever the forwarded access token names,
 * checked here with the public keys, never a payload field.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    if (this.reflector.getAllAndOverride<boolean>(SERVICE_CALL, [context.getHandler(), context.getClass()])) return true;
    const natsContext = context.switchToRpc().getContext<NatsContext>();
    const token = accessTokenOf(natsContext);
    const caller = token ? this.tokens.verify(token) : null;
    if (!caller) throw new RpcError(ErrorCode.UNAUTHORIZED, token ? 'Invalid or expired access token' : 'Missing access token');
    callers.set(natsContext, caller);
    return true;
  }
}

/** The verified caller of a NATS handler (id, role, session), as CallerGuard found it. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const caller = callers.get(context.switchToRpc().getContext<NatsContext>());
  // Only reachable on a @ServiceCall() handler that asks for a caller: a bug, not a client error.
  if (!caller) throw new Error('@Caller() used on a handler without a verified caller');
  return { id: caller.id, role: caller.role, sessionId: caller.sessionId };
});
