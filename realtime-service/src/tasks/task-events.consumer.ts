import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { TASK_EVENTS_STREAM } from '#contracts';
import { APP_ENV } from '#config';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { DurableConsumer, jsonBody } from '../jetstream/durable-consumer.js';
import { REDIS } from '../redis/redis.module.js';
import { isRoutableCommentEvent } from '../comments/comment-fanout.js';
import { isRoutableProjectEvent } from '../projects/project-fanout.js';
import { EmissionBatch } from './emission-batch.js';
import { isRoutableTaskEvent } from './task-fanout.js';
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
    const event = jsonBody(message);
    if (isRoutableProjectEvent(event)) return this.batch.add({ message, eventId: event.eventId, type: event.type, emit: () => this.gateway.emitProjectEvent(event) });
    if (isRoutableCommentEvent(event)) return this.batch.add({ message, eventId: event.eventId, type: event.type, emit: () => this.gateway.emitCommentEvent(event) });
    if (!isRoutableTaskEvent(event)) {
      this.logger.warn(`Dropping an unroutable message on ${message.subject} (seq ${message.seq})`);
      message.term();
      return Promise.resolve();
    }
    return this.batch.add({ message, eventId: event.eventId, type: event.type, emit: () => this.gateway.emitTaskEvent(event) });
  }
}
