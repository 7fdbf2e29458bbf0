import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { EventSchemaError, TASK_EVENTS_STREAM, TaskStreamContract, type StreamEvent } from '#contracts';
import { APP_ENV } from '#config';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { DurableConsumer } from '../jetstream/durable-consumer.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { REDIS } from '../redis/redis.module.js';
import { EmissionBatch } from './emission-batch.js';
import { TasksGateway } from './tasks.gateway.js';

/** One durable pull consumer shared by every replica: each event is handled by exactly one of them. */
export const TASK_EVENTS_CONSUMER = SERVICE_NAME;

/**
 * Fans task events out to sockets. A live feed: the consumer starts at new messages when
 * first created (`deliver: new`) and acks each event after emitting it. Until tasks-service
 * has created the stream, it waits and retries.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskEventsConsumer.name);
  private readonly consumer: DurableConsumer;
  private readonly batch: EmissionBatch;

  constructor(
    nats: NatsRpcClient,
    @Inject(APP_ENV) env: RealtimeEnv,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) redis: Redis,
    private readonly metrics: RealtimeMetrics,
  ) {
    this.batch = new EmissionBatch(redis);
    this.consumer = new DurableConsumer(nats, {
      replicas: env.EVENT_STREAM_REPLICAS,
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
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.batch.drain();
  }

  private handle(message: JsMsg): Promise<void> {
    const parsed = this.decode(message);
    switch (parsed?.kind) {
      case undefined:
        return Promise.resolve();
      case 'project':
        return this.batch.add({ message, eventId: parsed.event.eventId, type: parsed.event.type, emit: () => this.gateway.emitProjectEvent(parsed.event) });
      case 'comment':
        return this.batch.add({ message, eventId: parsed.event.eventId, type: parsed.event.type, emit: () => this.gateway.emitCommentEvent(parsed.event) });
      case 'task':
        return this.batch.add({ message, eventId: parsed.event.eventId, type: parsed.event.type, emit: () => this.gateway.emitTaskEvent(parsed.event) });
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
}
