import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { ServiceMetrics } from '#health';

/** Counters of the JetStream consumer, exported on the service's /metrics. */
@Injectable()
export class IngestMetrics {
  readonly processed: Counter<'source' | 'outcome'>;
  readonly deadLettered: Counter<'source' | 'kind'>;
  readonly retried: Counter<'source'>;
  readonly notificationsCreated: Counter;
  readonly delivered: Counter<'source'>;
  readonly redelivered: Counter<'source'>;

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.processed = new Counter({
      name: 'events_processed_total',
      help: 'Event messages applied and acknowledged, by source (task, auth) and outcome (new, duplicate)',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'events_dead_lettered_total',
      help: 'Event messages parked in dead_letters, by source and kind (poison, max_deliver)',
      labelNames: ['source', 'kind'],
      registers,
    });
    this.retried = new Counter({
      name: 'events_retried_total',
      help: 'Event messages negatively acknowledged for a later redelivery after a processing error',
      labelNames: ['source'],
      registers,
    });
    this.notificationsCreated = new Counter({ name: 'notifications_created_total', help: 'Notifications created', registers });
    this.delivered = new Counter({
      name: 'events_deliveries_total',
      help: 'JetStream messages received by this replica, first deliveries and redeliveries alike, by source',
      labelNames: ['source'],
      registers,
    });
    this.redelivered = new Counter({
      name: 'events_redeliveries_total',
      help: 'JetStream messages received again (delivery count > 1): after a nak, an ack timeout or a crash; 0 in a fault-free run',
      labelNames: ['source'],
      registers,
    });
  }
}
