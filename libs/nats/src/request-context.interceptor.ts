import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, Optional } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { ErrorCode, RpcError } from '#contracts';
import { ServiceMetrics } from '#health';
import { REQUEST_ID_HEADER, runWithRequestContext, sanitizeRequestId } from '#logging';
import { accessTokenOf } from './caller.js';
import { deadlineOf } from './deadline.js';

/**
 * Carries the caller's request id from the NATS headers into this service's logs, their
 * access token into the requests this handler makes in turn (realtime asking tasks-service),
 * and the request's deadline: a request that waited past it is dropped before any work.
 */
@Injectable()
export class NatsRequestContextInterceptor implements NestInterceptor {
  constructor(@Optional() private readonly metrics?: ServiceMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const natsContext = context.switchToRpc().getContext<NatsContext>();
    const requestId = sanitizeRequestId(natsContext.getHeaders?.()?.get(REQUEST_ID_HEADER));
    const accessToken = accessTokenOf(natsContext);
    const deadline = deadlineOf(natsContext);
    if (deadline !== undefined && deadline <= Date.now()) {
      this.metrics?.rpcExpired.inc({ subject: natsContext.getSubject() });
      return throwError(() => new RpcError(ErrorCode.TIMEOUT, 'The request expired before it was handled'));
    }
    return new Observable((subscriber) => runWithRequestContext({ requestId, accessToken, deadline }, () => next.handle().subscribe(subscriber)));
  }
}
