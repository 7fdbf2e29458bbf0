import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { TASK_EVENTS_STREAM, type CommentEvent, type ProjectEvent, type TaskEvent } from '#contracts';
import { describeError, DurableConsumer, PoisonMessageError } from '#jetstream';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { jsonBody, realtimeConsumerOptions } from '../jetstream/realtime-consumer.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
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

type RoutedEvent = { kind: 'project'; event: ProjectEvent } | { kind: 'comment'; event: CommentEvent } | { kind: 'task'; event: TaskEvent };

/** What the task stream's message is, for routing; anything else is unroutable (poison). */
function decodeRoutedEvent(message: JsMsg): RoutedEvent {
  const event = jsonBody(message);
  if (isRoutableProjectEvent(event)) return { kind: 'project', event };
  if (isRoutableCommentEvent(event)) return { kind: 'comment', event };
  if (isRoutableTaskEvent(event)) return { kind: 'task', event };
  throw new PoisonMessageError('not a routable task, project or comment event');
}

/**
 * Fans task events out to sockets. A live feed: the consumer starts at new messages when
 * first created (`deliver: new`) and acks each event after emitting it. Until tasks-service
 * has created the stream, it waits and retries.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskEventsConsumer.name);
  private readonly consumer: DurableConsumer<RoutedEvent>;

  constructor(
    nats: NatsRpcClient,
    metrics: RealtimeMetrics,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.consumer = new DurableConsumer(
      realtimeConsumerOptions(nats, metrics, {
        stream: TASK_EVENTS_STREAM,
        durable: TASK_EVENTS_CONSUMER,
        // The whole stream: task events and project events.
        what: 'task and project events',
        context: TaskEventsConsumer.name,
        decode: decodeRoutedEvent,
        handle: (routed) => this.handle(routed),
      }),
    );
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  /** Stops pulling and lets the event in hand finish; unacked ones go to another replica. */
  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private handle(routed: RoutedEvent): Promise<void> {
    switch (routed.kind) {
      case 'project':
        return this.emitOnce(routed.event.eventId, routed.event.type, () => this.gateway.emitProjectEvent(routed.event));
      case 'comment':
        return this.emitOnce(routed.event.eventId, routed.event.type, () => this.gateway.emitCommentEvent(routed.event));
      case 'task':
        return this.emitOnce(routed.event.eventId, routed.event.type, () => this.gateway.emitTaskEvent(routed.event));
    }
  }

  /** Throws when the emit fails: the consumer retries the event. */
  private async emitOnce(eventId: string, type: string, emit: () => void | Promise<void>): Promise<void> {
    try {
      if (await this.firstEmission(eventId)) await emit();
    } catch (error) {
      this.logger.error(`Emitting ${type} ${eventId} failed: ${describeError(error)}`);
      throw error;
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
