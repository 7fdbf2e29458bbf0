import type { Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CallerGuard } from './caller.js';
import { NatsRequestContextInterceptor } from './request-context.interceptor.js';
import { RpcErrorFilter } from './rpc-exception.filter.js';
import { rpcValidationPipe } from './validation.js';

/** What every NATS service registers globally: callers verified, error codes out, request ids in, payloads validated. */
export const RPC_SERVICE_PROVIDERS: Provider[] = [
  { provide: APP_GUARD, useClass: CallerGuard },
  { provide: APP_FILTER, useClass: RpcErrorFilter },
  { provide: APP_INTERCEPTOR, useClass: NatsRequestContextInterceptor },
  { provide: APP_PIPE, useFactory: rpcValidationPipe },
];
