import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { REQUEST_ID_HEADER, runWithRequestContext, sanitizeRequestId } from '#logging';
import { accessTokenOf } from './caller.js';

/**
 * Carries the caller's request id from the NATS headers into this service's logs, and their
 * access token into the requests this handler makes in turn (realtime asking tasks-service).
 */
@Injectable()
export class NatsRequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const natsContext = context.switchToRpc().getContext<NatsContext>();
    const requestId = sanitizeRequestId(natsContext.getHeaders?.()?.get(REQUEST_ID_HEADER));
    const accessToken = accessTokenOf(natsContext);
    return new Observable((subscriber) => runWithRequestContext({ requestId, accessToken }, () => next.handle().subscribe(subscriber)));
  }
}
