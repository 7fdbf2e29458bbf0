import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { EventSchemaError, TASK_EVENTS_STREAM, TaskStreamContract, type StreamEvent } from '#contracts';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { describeError, DurableConsumer } from '../jetstream/durable-consumer.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { REDIS } from '../redis/redis.module.js';
import { TasksGateway } from './tasks.gateway.js';

/** One durable pull consumer shared by every replica: each event is handled by exactly one of them. */
export const TASK_EVENTS_CONSUMER = SERVICE_NAME;
/** An event redelivered (its ack lost) within this time is not emitted twice. */
const EMITTED_TTL_S = 600;
const emittedKey = (eventId: string) => `realtime:emitted:${eventId}`;

/**
 * Fans task events out to sockets. A live feed: the consumer starts at new messages when
 * first created (`deliver: new`) and acks each event after emitting it. Until tasks-service
 * has created the stream, it waits and retries.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskEventsConsumer.name);
  private readonly consumer: DurableConsumer;

  constructor(
    nats: NatsRpcClient,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.consumer = new DurableConsumer(nats, {
      stream: TASK_EVENTS_STREAM,
      durable: TASK_EVENTS_CONSUMER,
      // The whole stream: task events and project events.
      what: 'task and project events',
      context: TaskEventsConsumer.name,
      handle: (message) => this.handle(message),
    });
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  /** Stops pulling and lets the event in hand finish; unacked ones go to another replica. */
  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async handle(message: JsMsg): Promise<void> {
    const parsed = this.decode(message);
    switch (parsed?.kind) {
      case undefined:
        return;
      case 'project':
        return this.emitOnce(message, parsed.event.eventId, parsed.event.type, () => this.gateway.emitProjectEvent(parsed.event));
      case 'comment':
        return this.emitOnce(message, parsed.event.eventId, parsed.event.type, () => this.gateway.emitCommentEvent(parsed.event));
      case 'task':
        return this.emitOnce(message, parsed.event.eventId, parsed.event.type, () => this.gateway.emitTaskEvent(parsed.event));
    }
  }

  /** The event, checked by its contract; a message it refuses is terminated here (undefined). */
  private decode(message: JsMsg): StreamEvent<typeof TaskStreamContract.contracts> | undefined {
    try {
      return TaskStreamContract.decode(message.data);
    } catch (error) {
      if (!(error instanceof EventSchemaError)) throw error;
      // No retry can fix it, and realtime keeps no dead letters (events-service does): count it, say why, end it.
      this.metrics.rejected(message.subject);
      this.logger.warn(`Terminating a message on ${message.subject} (seq ${message.seq}): ${error.reason}`);
      message.term(error.reason.slice(0, 200));
      return undefined;
    }
  }

  private async emitOnce(message: JsMsg, eventId: string, type: string, emit: () => void | Promise<void>): Promise<void> {
    try {
      if (await this.firstEmission(eventId)) await emit();
      message.ack();
    } catch (error) {
      this.logger.error(`Emitting ${type} ${eventId} failed: ${describeError(error)}`);
      message.nak(1000);
    }
  }

  /** Delivery is at least once; a redelivered event is acked without a second emit. Redis down: emit. */
  private async firstEmission(eventId: string): Promise<boolean> {
    try {
      return (await this.redis.set(emittedKey(eventId), '1', 'EX', EMITTED_TTL_S, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }
}
