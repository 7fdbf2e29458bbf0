import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { runWithRequestContext } from '#logging';

/**
 * Runs the handler inside the request's context, so its log lines carry the request id and
 * NatsRpcClient forwards it, and the caller's verified access token, as NATS headers. An interceptor rather than a
 * Fastify hook: Fastify's body parsing would leave an async context entered in `onRequest`.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { id, accessToken } = context.switchToHttp().getRequest<FastifyRequest>();
    return new Observable((subscriber) => runWithRequestContext({ requestId: id, accessToken }, () => next.handle().subscribe(subscriber)));
  }
}
