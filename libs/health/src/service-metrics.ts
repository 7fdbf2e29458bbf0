import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per service process: default process metrics plus NATS request metrics. */
@Injectable()
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly rpcRequests: Counter<'subject' | 'outcome'>;
  readonly rpcDuration: Histogram<'subject'>;
  readonly rpcExpired: Counter<'subject'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.rpcRequests = new Counter({
      name: 'nats_requests_total',
      help: 'NATS requests handled, by subject and outcome (ok or an error code)',
      labelNames: ['subject', 'outcome'],
      registers: [this.registry],
    });
    this.rpcDuration = new Histogram({
      name: 'nats_request_duration_seconds',
      help: 'Time to handle a NATS request',
      labelNames: ['subject'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.rpcExpired = new Counter({
      name: 'nats_requests_expired_total',
      help: 'NATS requests dropped unhandled because their deadline had passed when they arrived',
      labelNames: ['subject'],
      registers: [this.registry],
    });
  }
}
