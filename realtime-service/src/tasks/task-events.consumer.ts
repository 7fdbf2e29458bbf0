import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { TASK_EVENTS_STREAM } from '#contracts';
import { APP_ENV } from '#config';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { describeError, DurableConsumer, jsonBody } from '../jetstream/durable-consumer.js';
import { REDIS } from '../redis/redis.module.js';
import { isRoutableCommentEvent } from '../comments/comment-fanout.js';
import { isRoutableProjectEvent } from '../projects/project-fanout.js';
import { isRoutableTaskEvent } from './task-fanout.js';
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
    @Inject(APP_ENV) env: RealtimeEnv,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
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
  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async handle(message: JsMsg): Promise<void> {
    const event = jsonBody(message);
    if (isRoutableProjectEvent(event)) return this.emitOnce(message, event.eventId, event.type, () => this.gateway.emitProjectEvent(event));
    if (isRoutableCommentEvent(event)) return this.emitOnce(message, event.eventId, event.type, () => this.gateway.emitCommentEvent(event));
    if (!isRoutableTaskEvent(event)) {
      this.logger.warn(`Dropping an unroutable message on ${message.subject} (seq ${message.seq})`);
      message.term();
      return;
    }
    return this.emitOnce(message, event.eventId, event.type, () => this.gateway.emitTaskEvent(event));
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
