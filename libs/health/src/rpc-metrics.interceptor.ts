import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, Optional } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { type Observable, tap } from 'rxjs';
import { isRpcErrorBody } from '#contracts';
import { ServiceMetrics } from './service-metrics.js';

/** Times and counts each NATS request; a service without ServiceMetrics (realtime-service keeps its own) counts nothing. */
@Injectable()
export class RpcMetricsInterceptor implements NestInterceptor {
  constructor(@Optional() private readonly metrics?: ServiceMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metrics = this.metrics;
    if (!metrics) return next.handle();
    const subject = context.switchToRpc().getContext<NatsContext>().getSubject();
    const stop = metrics.rpcDuration.startTimer({ subject });
    return next.handle().pipe(
      tap({
        next: () => metrics.rpcRequests.inc({ subject, outcome: 'ok' }),
        error: (error: unknown) => {
          const code = isRpcErrorBody(error) ? error.code : typeof error === 'object' && error && 'code' in error ? String(error.code) : 'INTERNAL';
          metrics.rpcRequests.inc({ subject, outcome: code });
        },
        finalize: () => stop(),
      }),
    );
  }
}
