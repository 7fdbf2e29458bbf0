import { type DynamicModule, type InjectionToken, Module } from '@nestjs/common';
import { PROBE_OPTIONS, ProbeServer, type ProbeOptions } from './probe-server.js';
import { DependencyChecks } from './dependency-checks.js';
import { ServiceMetrics } from './service-metrics.js';

export interface HealthModuleOptions {
  service: string;
  inject?: InjectionToken[];
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
        // One set of checks for the probe server and the service's NATS ping.
        { provide: DependencyChecks, inject: [PROBE_OPTIONS], useFactory: (o: ProbeOptions) => new DependencyChecks(o.checks, { timeoutMs: o.timeoutMs, cacheMs: o.cacheMs }) },
        ProbeServer,
      ],
      exports: [ServiceMetrics, DependencyChecks],
    };
  }
}
