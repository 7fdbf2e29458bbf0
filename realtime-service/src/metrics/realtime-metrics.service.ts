import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SERVICE_NAME } from '../config/realtime.env.js';

/** A registry of its own (not prom-client's global one), like the gateway's. */
@Injectable()
export class RealtimeMetrics {
  readonly registry = new Registry();
  readonly connectedSockets: Gauge;
  readonly eventsEmitted: Counter<'event'>;
  readonly emitLag: Histogram<'event'>;
  readonly messagesRejected: Counter<'subject'>;
  readonly messagesDeadLettered: Counter<'stream' | 'kind'>;

  constructor() {
    this.registry.setDefaultLabels({ service: SERVICE_NAME });
    collectDefaultMetrics({ register: this.registry });
    this.connectedSockets = new Gauge({ name: 'realtime_connected_sockets', help: 'Sockets connected to this replica', registers: [this.registry] });
    this.eventsEmitted = new Counter({
      name: 'realtime_events_emitted_total',
      help: 'Events emitted to clients by this replica (one per event, whatever the number of sockets)',
      labelNames: ['event'],
      registers: [this.registry],
    });
    this.emitLag = new Histogram({
      name: 'realtime_emit_lag_seconds',
      help: 'Time from the change (occurredAt) to its emission',
      labelNames: ['event'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.messagesDeadLettered = new Counter({
      name: 'realtime_messages_dead_lettered_total',
      help: 'JetStream messages dropped (terminated) by this replica: unroutable (poison) or failing on their last delivery (max_deliver)',
      labelNames: ['stream', 'kind'],
      registers: [this.registry],
    });
    this.messagesRejected = new Counter({
      name: 'realtime_messages_rejected_total',
      help: 'Messages that failed their event contract (terminated or dropped, never emitted), by subject prefix',
      labelNames: ['subject'],
      registers: [this.registry],
    });
  }

  /** Counts a message its contract refused; the label is the subject without its last token, so it stays bounded. */
  rejected(subject: string): void {
    this.messagesRejected.inc({ subject: subject.slice(0, Math.max(0, subject.lastIndexOf('.'))) || subject });
  }
}
