import { type DynamicModule, type InjectionToken, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PROBE_OPTIONS, ProbeServer, type ProbeOptions } from './probe-server.js';
import { RpcMetricsInterceptor } from './rpc-metrics.interceptor.js';
import { ServiceMetrics } from './service-metrics.js';

export interface HealthModuleOptions {
  service: string;
  inject?: InjectionToken[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...deps: any[]) => ProbeOptions;
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      providers: [
        { provide: ServiceMetrics, useFactory: () => new ServiceMetrics(options.service) },
        { provide: PROBE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: APP_INTERCEPTOR, useClass: RpcMetricsInterceptor },
        ProbeServer,
      ],
      exports: [ServiceMetrics],
    };
  }
}
