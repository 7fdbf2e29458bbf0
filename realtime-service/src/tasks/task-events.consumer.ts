import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX } from '#contracts';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { REDIS } from '../redis/redis.module.js';
import { isRoutableTaskEvent } from './task-fanout.js';
import { TasksGateway } from './tasks.gateway.js';

/** One durable pull consumer shared by every replica: each event is handled by exactly one of them. */
export const TASK_EVENTS_CONSUMER = SERVICE_NAME;
/** An event redelivered (its ack lost) within this time is not emitted twice. */
const EMITTED_TTL_S = 600;
const emittedKey = (eventId: string) => `realtime:emitted:${eventId}`;
const MAX_BACKOFF_MS = 5000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Fans task events out to sockets. A live feed: the consumer starts at new messages when
 * first created (`deliver: new`) and acks each event after emitting it. Until tasks-service
 * has created the stream, it waits and retries.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskEventsConsumer.name);
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private lastProblem?: string;

  constructor(
    private readonly nats: NatsRpcClient,
    private readonly gateway: TasksGateway,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run().catch((error: unknown) => this.logger.error(`Task event consumer stopped: ${describe(error)}`));
  }

  /** Stops pulling and lets the event in hand finish; unacked ones go to another replica. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopping) {
      try {
        const connection = await this.nats.connect();
        if (this.stopping) return;
        await this.ensureConsumer(await jetstreamManager(connection));
        const consumer = await jetstream(connection).consumers.get(TASK_EVENTS_STREAM, TASK_EVENTS_CONSUMER);
        const messages = await consumer.consume({ max_messages: 100 });
        this.messages = messages;
        if (this.stopping) {
          await messages.close();
          return;
        }
        void this.watch(messages);
        this.problemSolved();
        backoff = 250;
        for await (const message of messages) await this.handle(message);
      } catch (error) {
        this.problem(describe(error));
      }
      if (!this.stopping) await this.sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** The durable consumer, created by whichever replica gets there first; an existing one is kept as is. */
  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    try {
      await jsm.consumers.info(TASK_EVENTS_STREAM, TASK_EVENTS_CONSUMER);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    }
    await jsm.consumers.add(TASK_EVENTS_STREAM, {
      durable_name: TASK_EVENTS_CONSUMER,
      filter_subject: `${TASK_EVENTS_SUBJECT_PREFIX}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(30_000),
      max_deliver: 5,
    });
    this.logger.log(`Created durable consumer ${TASK_EVENTS_CONSUMER} on ${TASK_EVENTS_STREAM}`);
  }

  /** Consumer or stream gone (deleted by an operator): end this round, so the loop recreates it. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'stream_not_found' || (status.type === 'consumer_not_found' && status.count >= 3)) {
        this.problem(`${status.type}; recreating the consumer`);
        await messages.close().catch(() => undefined);
        return;
      }
    }
  }

  private async handle(message: JsMsg): Promise<void> {
    let event: unknown;
    try {
      event = message.json();
    } catch {
      event = undefined;
    }
    if (!isRoutableTaskEvent(event)) {
      this.logger.warn(`Dropping an unroutable message on ${message.subject} (seq ${message.seq})`);
      message.term();
      return;
    }
    try {
      if (await this.firstEmission(event.eventId)) this.gateway.emitTaskEvent(event);
      message.ack();
    } catch (error) {
      this.logger.error(`Emitting ${event.type} ${event.eventId} failed: ${describe(error)}`);
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Logged once per distinct problem (waiting for the stream retries every few seconds). */
  private problem(description: string): void {
    if (this.stopping || description === this.lastProblem) return;
    this.lastProblem = description;
    this.logger.warn(`Task events not consumed yet: ${description}; retrying`);
  }

  private problemSolved(): void {
    if (this.lastProblem) this.logger.log('Consuming task events');
    this.lastProblem = undefined;
  }
}
