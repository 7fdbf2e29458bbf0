import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { type Observable, tap } from 'rxjs';
import { isRpcErrorBody } from '#contracts';
import { ServiceMetrics } from './service-metrics.js';

@Injectable()
export class RpcMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: ServiceMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const subject = context.switchToRpc().getContext<NatsContext>().getSubject();
    const stop = this.metrics.rpcDuration.startTimer({ subject });
    return next.handle().pipe(
      tap({
        next: () => this.metrics.rpcRequests.inc({ subject, outcome: 'ok' }),
        error: (error: unknown) => {
          const code = isRpcErrorBody(error) ? error.code : typeof error === 'object' && error && 'code' in error ? String(error.code) : 'INTERNAL';
          this.metrics.rpcRequests.inc({ subject, outcome: code });
        },
        finalize: () => stop(),
      }),
    );
  }
}
