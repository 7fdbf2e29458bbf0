import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { APP_ENV } from '#config';
import { natsConnectionOptions } from '#nats';
import { NOTIFICATION_CREATED_SUBJECT, type NotificationCreatedMessage } from '#contracts';
import { REQUEST_ID_HEADER, runWithRequestContext, sanitizeRequestId } from '#logging';
import type { EventsEnv } from '../config/events.env.js';
import { SERVICE_NAME } from '../database/database.module.js';
import { ackWaitMs, CONSUMED_STREAMS, CONSUMER_NAME, consumerConfig, consumerUpdate, retryDelayMs, type ConsumedStream } from './consumer-config.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { parseEvent, PoisonMessageError, type ParsedEvent } from './event-validation.js';
import { IngestMetrics } from './ingest.metrics.js';
import { EventIngestService } from './ingest.service.js';

/** Messages pulled ahead per stream; the rest wait in JetStream for this or another replica. */
const PULL_BATCH = 16;

/**
 * Events of one task (or one user) are applied in stream order; different tasks in
 * parallel, up to `limit` at once: a backlog drains many times faster than one at a time,
 * and an assignment still finds the task's earlier entries to share.
 */
export class OrderedLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Queues `work` behind the same lane's earlier work; resolves once there is room for more. */
  async run(lane: string, work: () => Promise<void>): Promise<void> {
    const tail = (this.tails.get(lane) ?? Promise.resolve()).then(work).catch(() => undefined);
    this.tails.set(lane, tail);
    this.inFlight.add(tail);
    void tail.finally(() => {
      this.inFlight.delete(tail);
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
    });
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
  }

  async idle(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

/** The ordering key of a message: its task, else its user; unreadable ones share a lane. */
export function laneOf(msg: { data: Uint8Array }): string {
  try {
    const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as { taskId?: unknown; userId?: unknown };
    if (typeof event.taskId === 'string') return `task:${event.taskId}`;
    if (typeof event.userId === 'string') return `user:${event.userId}`;
  } catch {
    // poison: handled (parked) in its own lane
  }
  return 'other';
}
/** A message still in progress after this long stops being kept alive, so the server redelivers it. */
const MAX_PROCESSING_MS = 60_000;

/**
 * Consumes TASK_EVENTS and AUTH_EVENTS through the durable pull consumer `events-service`
 * (explicit acks), on its own NATS connection. Per message: validate (poison → parked in
 * dead_letters, term), apply idempotently, then ack; a processing error naks with a growing
 * delay until the last allowed delivery, which is parked instead. Messages of one stream are
 * handled in parallel across tasks and in order within one (OrderedLanes); replicas share each durable consumer.
 */
@Injectable()
export class JetStreamEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamEventConsumer.name);
  private connection?: NatsConnection;
  private running?: Promise<void>;
  private stopping = false;
  private readonly subscriptions = new Set<ConsumerMessages>();
  private readonly sleepers = new Set<() => void>();

  constructor(
    @Inject(APP_ENV) private readonly env: EventsEnv,
    private readonly ingest: EventIngestService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly metrics: IngestMetrics,
  ) {}

  /** For readiness: the consumer's own NATS connection is up. */
  isConnected(): boolean {
    const connection = this.connection;
    return !!connection && !connection.isClosed() && !this.stopping;
  }

  /** Starts in the background: requests are answered while the streams do not exist yet. */
  onApplicationBootstrap(): void {
    this.running = this.run().catch((error: unknown) => this.logger.error(`Event consumer stopped: ${describe(error)}`));
  }

  /** Stops pulling, lets the message in hand finish (ack or nak), hands buffered ones back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await Promise.all([...this.subscriptions].map((messages) => messages.close().catch(() => undefined)));
    await Promise.race([this.running, delay(this.env.SHUTDOWN_GRACE_MS)]);
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private async run(): Promise<void> {
    const connection = await this.connect();
    if (!connection) return;
    await Promise.all(CONSUMED_STREAMS.map((stream) => this.consumeStream(connection, stream)));
  }

  /** Keeps trying until connected or stopped; later outages are handled by the client's reconnects. */
  private async connect(): Promise<NatsConnection | undefined> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const connection = await connect(natsConnectionOptions(this.env, SERVICE_NAME, `${SERVICE_NAME}-consumer`));
        this.connection = connection;
        return this.stopping ? undefined : connection;
      } catch (error) {
        failures += 1;
        if (failures === 1) this.logger.warn(`Event consumer cannot reach NATS (${describe(error)}); retrying`);
        await this.sleep(backoff(failures));
      }
    }
    return undefined;
  }

  private async consumeStream(connection: NatsConnection, stream: ConsumedStream): Promise<void> {
    let failures = 0;
    let waitingLogged = false;
    while (!this.stopping) {
      try {
        if (!(await this.ensureConsumer(connection, stream))) {
          if (!waitingLogged) this.logger.log(`Waiting for JetStream stream ${stream.stream} (its producer creates it)`);
          waitingLogged = true;
          await this.sleep(1000);
          continue;
        }
        waitingLogged = false;
        const consumer = await jetstream(connection).consumers.get(stream.stream, CONSUMER_NAME);
        const messages = await consumer.consume({ max_messages: PULL_BATCH });
        this.subscriptions.add(messages);
        this.watch(messages, stream);
        this.logger.log(`Consuming ${stream.stream} as durable consumer ${CONSUMER_NAME}`);
        const lanes = new OrderedLanes(PULL_BATCH);
        try {
          for await (const msg of messages) {
            failures = 0;
            if (this.stopping) {
              msg.nak(); // pulled but not started: back to the stream for another replica
              continue;
            }
            await lanes.run(laneOf(msg), () => this.handle(stream, msg));
          }
        } finally {
          await lanes.idle();
          this.subscriptions.delete(messages);
        }
      } catch (error) {
        failures += 1;
        if (!this.stopping) this.logger.warn(`Consuming ${stream.stream} failed (${describe(error)}); retrying`);
      }
      if (!this.stopping) await this.sleep(backoff(Math.max(failures, 1)));
    }
  }

  /** A deleted consumer or stream ends this subscription, so the loop recreates it. */
  private watch(messages: ConsumerMessages, stream: ConsumedStream): void {
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found' || status.type === 'stream_not_found') {
          this.logger.warn(`${stream.stream}: ${status.type}; re-creating the consumer`);
          await messages.close().catch(() => undefined);
          return;
        }
      }
    })().catch(() => undefined);
  }

  /** Creates the durable consumer, or brings an existing one's settings up to date. False: no stream yet. */
  private async ensureConsumer(connection: NatsConnection, stream: ConsumedStream): Promise<boolean> {
    const jsm = await jetstreamManager(connection);
    try {
      await jsm.streams.info(stream.stream);
    } catch (error) {
      if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return false;
      throw error;
    }
    const maxDeliver = this.env.EVENTS_MAX_DELIVER;
    try {
      const info = await jsm.consumers.info(stream.stream, CONSUMER_NAME);
      const wanted = consumerUpdate(maxDeliver);
      const current = info.config;
      const same =
        current.max_deliver === wanted.max_deliver &&
        current.ack_wait === wanted.ack_wait &&
        JSON.stringify(current.backoff ?? []) === JSON.stringify(wanted.backoff ?? []);
      if (!same) {
        await jsm.consumers.update(stream.stream, CONSUMER_NAME, wanted).catch((error: unknown) => {
          this.logger.warn(`Could not update consumer ${CONSUMER_NAME} on ${stream.stream} (${describe(error)}); keeping its settings`);
        });
      }
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
      // Replicas starting together add the same config: NATS treats that as one consumer.
      await jsm.consumers.add(stream.stream, consumerConfig(stream, maxDeliver));
      this.logger.log(`Created durable consumer ${CONSUMER_NAME} on ${stream.stream}`);
    }
    return true;
  }

  private async handle(stream: ConsumedStream, msg: JsMsg): Promise<void> {
    let parsed: ParsedEvent;
    try {
      parsed = parseEvent(stream.source, msg.data);
    } catch (error) {
      const reason = error instanceof PoisonMessageError ? error.reason : describe(error);
      await this.park(stream, msg, 'poison', reason);
      return;
    }
    const requestId = sanitizeRequestId(parsed.event.requestId ?? undefined);
    await runWithRequestContext({ requestId }, async () => {
      const stopKeepAlive = this.keepAlive(msg);
      try {
        await this.ingest.ingest(parsed, (message) => this.announce(message, requestId));
        msg.ack();
      } catch (error) {
        await this.failed(stream, msg, parsed, error);
      } finally {
        stopKeepAlive();
      }
    });
  }

  private async failed(stream: ConsumedStream, msg: JsMsg, parsed: ParsedEvent, error: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    const maxDeliver = this.env.EVENTS_MAX_DELIVER;
    if (deliveries >= maxDeliver) {
      await this.park(stream, msg, 'max_deliver', `failed ${deliveries} times; last error: ${describe(error)}`);
      return;
    }
    const wait = retryDelayMs(deliveries, maxDeliver);
    this.metrics.retried.inc({ source: stream.source });
    this.logger.warn(
      { eventId: parsed.event.eventId, stream: stream.stream, seq: msg.seq, deliveries, retryInMs: wait, err: describe(error) },
      'Event processing failed; will retry',
    );
    msg.nak(wait);
  }

  /** Parks the message with its raw bytes and the reason, then terminates it (no more deliveries). */
  private async park(stream: ConsumedStream, msg: JsMsg, kind: 'poison' | 'max_deliver', reason: string): Promise<void> {
    const where = { stream: stream.stream, seq: msg.seq, subject: msg.subject, deliveries: msg.info.deliveryCount };
    try {
      await this.deadLetters.park({
        stream: stream.stream,
        streamSequence: msg.seq,
        subject: msg.subject,
        data: msg.data,
        reason: reason.slice(0, 2000),
        kind,
        deliveryCount: msg.info.deliveryCount,
        msgId: msg.headers?.get('Nats-Msg-Id') || null,
      });
    } catch (error) {
      // MongoDB is unavailable: try again later while deliveries remain, else give up loudly.
      if (msg.info.deliveryCount < this.env.EVENTS_MAX_DELIVER) {
        this.logger.warn({ ...where, err: describe(error) }, 'Could not park message; will retry');
        msg.nak(retryDelayMs(msg.info.deliveryCount, this.env.EVENTS_MAX_DELIVER));
        return;
      }
      this.logger.error({ ...where, reason, err: describe(error), raw: Buffer.from(msg.data).toString('utf8').slice(0, 2000) }, 'Could not park message; dropping it');
      msg.term(reason.slice(0, 200));
      return;
    }
    msg.term(reason.slice(0, 200));
    this.metrics.deadLettered.inc({ source: stream.source, kind });
    this.logger.warn({ ...where, kind, reason }, 'Message parked in dead_letters');
  }

  /** Tells the server the message is still being worked on, so a slow write is not redelivered meanwhile. */
  private keepAlive(msg: JsMsg): () => void {
    const interval = setInterval(() => msg.working(), Math.max(250, Math.floor(ackWaitMs(this.env.EVENTS_MAX_DELIVER) / 2)));
    const limit = setTimeout(() => clearInterval(interval), MAX_PROCESSING_MS);
    return () => {
      clearInterval(interval);
      clearTimeout(limit);
    };
  }

  private announce(message: NotificationCreatedMessage, requestId: string): void {
    const connection = this.connection;
    if (!connection || connection.isClosed()) return;
    try {
      const messageHeaders = headers();
      messageHeaders.set(REQUEST_ID_HEADER, requestId);
      connection.publish(NOTIFICATION_CREATED_SUBJECT, JSON.stringify(message), { headers: messageHeaders });
    } catch (error) {
      this.logger.warn({ err: describe(error) }, 'Could not announce a notification');
    }
  }

  /** A pause that shutdown cuts short. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

function backoff(failures: number): number {
  return Math.min(10_000, 250 * 2 ** Math.min(failures - 1, 8));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
