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
import { consumerReplicas, CONSUME_IDLE_HEARTBEAT_MS, isTransientJetStreamError, natsConnectionOptions, termCapability, warnOnReplicaMismatch } from '#nats';
import { NotificationCreatedContract, type NotificationCreatedMessage } from '#contracts';
import { REQUEST_ID_HEADER, runWithRequestContext, sanitizeRequestId } from '#logging';
import type { EventsEnv } from '../config/events.env.js';
import { SERVICE_NAME } from '../database/database.module.js';
import { ackWaitMs, CONSUMED_STREAMS, CONSUMER_NAME, consumerConfig, consumerUpdate, retryDelayMs, type ConsumedStream } from './consumer-config.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { parseEvent, PoisonMessageError, type ParsedEvent } from './parse-event.js';
import { IngestMetrics } from './ingest.metrics.js';
import { MessageBatcher } from './message-batcher.js';
import { EventIngestService } from './ingest.service.js';

/**
 * Messages asked for per pull, and at most written per batch. jongodb (the in-memory
 * stand-in) pays per write command in proportion to the collection's size, and a remote
 * MongoDB per round trip, so a backlog drains in batches as large as what arrived while the
 * previous batch was written (the slower the writes, the larger the batches); a quiet stream
 * still writes each message as soon as it arrives. The consumer's max_ack_pending bounds
 * what one replica holds.
 */
const PULL_SIZE = 2000;
const MAX_BATCH = 5000;
/**
 * A message held (queued or being written) longer than this stops being reported in progress,
 * so the server redelivers it: a write that hangs is given up on. Generous, because on the
 * in-memory stand-in a batch over a large collection takes tens of seconds, and a message may
 * queue behind one (with 60 s, a 20,000-event backlog over 20,000 logged saw 10,000 redeliveries).
 */
const MAX_HOLD_MS = 600_000;

/**
 * Consumes TASK_EVENTS and AUTH_EVENTS through the durable pull consumer `events-service`
 * (explicit acks), on its own NATS connection. Messages are applied in batches
 * (MessageBatcher), in stream order: validate each (poison → parked in dead_letters, term),
 * apply the rest with one bulk write per collection, then ack them. When a batch fails, its
 * messages are applied one by one, so only a failing one is retried: nak with a growing
 * delay until the last allowed delivery, which is parked instead. Replicas share each
 * durable consumer.
 */
@Injectable()
export class JetStreamEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamEventConsumer.name);
  private connection?: NatsConnection;
  private running?: Promise<void>;
  private stopping = false;
  private readonly subscriptions = new Set<ConsumerMessages>();
  /** Whether the server honours a terminate with a reason (nats-server 2.10+); judged at connect. */
  private termWithReason = true;
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
        const capability = termCapability(connection.info?.version);
        this.termWithReason = capability.termWithReason;
        if (capability.warning) this.logger.warn(capability.warning);
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
    let transient = false;
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
        const batcher = new MessageBatcher<JsMsg>({
          maxBatch: MAX_BATCH,
          progressEveryMs: Math.max(250, Math.floor(ackWaitMs(this.env.EVENTS_MAX_DELIVER) / 3)),
          maxHoldMs: MAX_HOLD_MS,
          handle: (batch) => this.handleBatch(stream, batch),
          onError: (error) => this.logger.error(`${stream.stream}: a batch failed unexpectedly (${describe(error)}); its messages come back after the ack wait`),
        });
        const messages = await consumer.consume({
          max_messages: PULL_SIZE,
          idle_heartbeat: CONSUME_IDLE_HEARTBEAT_MS,
          callback: (msg) => {
            failures = 0;
            this.metrics.delivered.inc({ source: stream.source });
            if (msg.info.deliveryCount > 1) this.metrics.redelivered.inc({ source: stream.source });
            if (this.stopping) msg.nak(); // pulled but not started: back to the stream for another replica
            else batcher.push(msg);
          },
        });
        this.subscriptions.add(messages);
        this.watch(messages, stream);
        this.logger.log(`Consuming ${stream.stream} as durable consumer ${CONSUMER_NAME}`);
        try {
          const ended = await messages.closed();
          if (ended instanceof Error && !this.stopping) this.logger.warn(`${stream.stream}: consumer ended (${describe(ended)})`);
        } finally {
          await batcher.close();
          this.subscriptions.delete(messages);
        }
      } catch (error) {
        failures += 1;
        transient = isTransientJetStreamError(error);
        if (!this.stopping) this.logger.warn(`Consuming ${stream.stream} failed (${describe(error)}); retrying`);
      }
      // A leader election (a node lost) is over in seconds: retry within one, not after the full back-off.
      if (!this.stopping) await this.sleep(Math.min(backoff(Math.max(failures, 1)), transient ? 1000 : Number.POSITIVE_INFINITY));
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
    let streamInfo;
    try {
      streamInfo = await jsm.streams.info(stream.stream);
    } catch (error) {
      if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return false;
      throw error;
    }
    const maxDeliver = this.env.EVENTS_MAX_DELIVER;
    try {
      const info = await jsm.consumers.info(stream.stream, CONSUMER_NAME);
      warnOnReplicaMismatch(`Durable consumer ${CONSUMER_NAME} on ${stream.stream}`, info, this.env.EVENT_STREAM_REPLICAS, this.logger);
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
      await jsm.consumers.add(stream.stream, { ...consumerConfig(stream, maxDeliver), num_replicas: consumerReplicas(streamInfo, this.env.EVENT_STREAM_REPLICAS) });
      this.logger.log(`Created durable consumer ${CONSUMER_NAME} on ${stream.stream}`);
    }
    return true;
  }

  /** Parks the poison, applies the rest with one bulk write per collection and acks them; on failure, one by one. */
  private async handleBatch(stream: ConsumedStream, batch: JsMsg[]): Promise<void> {
    const valid: { msg: JsMsg; parsed: ParsedEvent }[] = [];
    for (const msg of batch) {
      try {
        valid.push({ msg, parsed: parseEvent(stream.source, msg.data) });
      } catch (error) {
        await this.park(stream, msg, 'poison', error instanceof PoisonMessageError ? error.reason : describe(error));
      }
    }
    if (valid.length === 0) return;
    if (valid.length === 1) return this.applyOne(stream, valid[0]!.msg, valid[0]!.parsed);
    try {
      await this.ingest.ingestBatch(
        valid.map((item) => item.parsed),
        (message, requestId) => this.announce(message, sanitizeRequestId(requestId ?? undefined)),
      );
    } catch (error) {
      this.logger.warn({ stream: stream.stream, events: valid.length, err: describe(error) }, 'Event batch failed; applying its events one by one');
      for (const item of valid) await this.applyOne(stream, item.msg, item.parsed);
      return;
    }
    for (const item of valid) item.msg.ack();
  }

  /** One event on its own, its log lines carrying the event's request id. */
  private async applyOne(stream: ConsumedStream, msg: JsMsg, parsed: ParsedEvent): Promise<void> {
    const requestId = sanitizeRequestId(parsed.event.requestId ?? undefined);
    await runWithRequestContext({ requestId }, async () => {
      try {
        await this.ingest.ingestBatch([parsed], (message) => this.announce(message, requestId));
        msg.ack();
      } catch (error) {
        await this.failed(stream, msg, parsed, error);
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
      this.terminate(msg, reason);
      return;
    }
    this.terminate(msg, reason);
    this.metrics.deadLettered.inc({ source: stream.source, kind });
    this.logger.warn({ ...where, kind, reason }, 'Message parked in dead_letters');
  }

  /** No more deliveries; the reason goes along only where the server honours it (see MIN_NATS_SERVER_VERSION). */
  private terminate(msg: JsMsg, reason: string): void {
    if (this.termWithReason) msg.term(reason.slice(0, 200));
    else msg.term();
  }

  private announce(message: NotificationCreatedMessage, requestId: string): void {
    const connection = this.connection;
    if (!connection || connection.isClosed()) return;
    try {
      const messageHeaders = headers();
      messageHeaders.set(REQUEST_ID_HEADER, requestId);
      const announcement = NotificationCreatedContract.encode(message);
      connection.publish(announcement.subject, announcement.json, { headers: messageHeaders });
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
