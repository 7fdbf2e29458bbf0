import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { TASK_EVENTS_STREAM, TaskStreamContract, type StreamEvent } from '#contracts';
import { APP_ENV } from '#config';
import { DurableConsumer } from '#jetstream';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';
import { realtimeConsumerOptions } from '../jetstream/realtime-consumer.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { REDIS } from '../redis/redis.module.js';
import { EmissionBatch, type Emission } from './emission-batch.js';
import { TasksGateway } from './tasks.gateway.js';

/** One durable pull consumer shared by every replica: each event is handled by exactly one of them. */
export const TASK_EVENTS_CONSUMER = SERVICE_NAME;

type StreamItem = StreamEvent<typeof TaskStreamContract.contracts>;

/**
 * Fans task events out to sockets. A live feed: the consumer starts at new messages when
 * first created (`deliver: new`) and acks each event after emitting it. Until tasks-service
 * has created the stream, it waits and retries. A message its contract refuses is
 * terminated with the reason and counted (realtime keeps no dead letters; events-service does).
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: DurableConsumer<StreamItem>;
  private readonly emissions: EmissionBatch;

  constructor(
    nats: NatsRpcClient,
    @Inject(APP_ENV) env: RealtimeEnv,
    metrics: RealtimeMetrics,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) redis: Redis,
  ) {
    this.emissions = new EmissionBatch(redis);
    this.consumer = new DurableConsumer(
      realtimeConsumerOptions(nats, metrics, {
        replicas: env.EVENT_STREAM_REPLICAS,
        stream: TASK_EVENTS_STREAM,
        durable: TASK_EVENTS_CONSUMER,
        // The whole stream: task, comment and project events.
        what: 'task and project events',
        context: TaskEventsConsumer.name,
        decode: (message: JsMsg) => TaskStreamContract.decode(message.data),
        handle: (item) => this.emissions.emitAll([this.emission(item)]),
        handleBatch: (items) => this.emissions.emitAll(items.map((item) => this.emission(item))),
      }),
    );
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  /** Stops pulling and lets the events in hand finish; unacked ones go to another replica. */
  beforeApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private emission(item: StreamItem): Emission {
    switch (item.kind) {
      case 'project':
        return { eventId: item.event.eventId, emit: () => this.gateway.emitProjectEvent(item.event) };
      case 'comment':
        return { eventId: item.event.eventId, emit: () => this.gateway.emitCommentEvent(item.event) };
      case 'task':
        return { eventId: item.event.eventId, emit: () => this.gateway.emitTaskEvent(item.event) };
    }
  }
}
