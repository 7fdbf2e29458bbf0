import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { APP_ENV } from '#config';
import { NotificationCreatedContract, type NotificationCreatedMessage } from '#contracts';
import { DurableConsumer, describeError, type DeadLetter, type DurableConsumerOptions } from '#jetstream';
import { REQUEST_ID_HEADER, runWithRequestContext, sanitizeRequestId } from '#logging';
import { natsConnectionOptions, termCapability } from '#nats';
import type { EventsEnv } from '../config/events.env.js';
import { SERVICE_NAME } from '../database/database.module.js';
import { ackWaitMs, CONSUMED_STREAMS, consumerConfig, consumerUpdate, retryDelayMs, type ConsumedStream } from './consumer-config.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { parseEvent, type ParsedEvent } from './parse-event.js';
import { IngestMetrics } from './ingest.metrics.js';
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
 * (libs/jetstream DurableConsumer, explicit acks), on its own NATS connection. Messages are
 * applied in batches, in stream order: validate each (poison → parked in dead_letters, term),
 * apply the rest with one bulk write per collection, then ack them. When a batch fails, its
 * messages are applied one by one, so only a failing one is retried: nak with a growing
 * delay until the last allowed delivery, which is parked instead. Replicas share each
 * durable consumer.
 */
@Injectable()
export class JetStreamEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamEventConsumer.name);
  private connection?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private stopping = false;
  private readonly consumers: DurableConsumer<ParsedEvent>[];

  constructor(
    @Inject(APP_ENV) private readonly env: EventsEnv,
    private readonly ingest: EventIngestService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly metrics: IngestMetrics,
  ) {
    this.consumers = CONSUMED_STREAMS.map((stream) => new DurableConsumer(this.consumerOptions(stream)));
  }

  /** For readiness: the consumer's own NATS connection is up. */
  isConnected(): boolean {
    const connection = this.connection;
    return !!connection && !connection.isClosed() && !this.stopping;
  }

  /** Starts in the background: requests are answered while the streams do not exist yet. */
  onApplicationBootstrap(): void {
    for (const consumer of this.consumers) consumer.start();
  }

  /** Stops pulling, lets the messages in hand finish (ack or nak), hands buffered ones back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection && !connection.isClosed()) await connection.drain().catch(() => connection.close());
  }

  private consumerOptions(stream: ConsumedStream): DurableConsumerOptions<ParsedEvent> {
    const maxDeliver = this.env.EVENTS_MAX_DELIVER;
    return {
      connect: () => this.connect(),
      stream: stream.stream,
      consumer: { create: consumerConfig(stream, maxDeliver), update: consumerUpdate(maxDeliver), replicas: this.env.EVENT_STREAM_REPLICAS },
      what: `${stream.source} events`,
      context: JetStreamEventConsumer.name,
      pullSize: PULL_SIZE,
      decode: (msg) => parseEvent(stream.source, msg.data),
      handling: {
        mode: 'batch',
        maxBatch: MAX_BATCH,
        handleBatch: (batch) => this.applyBatch(batch),
        handle: (parsed) => this.applyOne(parsed),
      },
      maxDeliver,
      retryDelayMs: (deliveries) => retryDelayMs(deliveries, maxDeliver),
      deadLetters: (letter) => this.park(letter),
      progressEveryMs: Math.max(250, Math.floor(ackWaitMs(maxDeliver) / 3)),
      maxHoldMs: MAX_HOLD_MS,
      stopWaitMs: this.env.SHUTDOWN_GRACE_MS,
      metrics: {
        delivered: (redelivery) => {
          this.metrics.delivered.inc({ source: stream.source });
          if (redelivery) this.metrics.redelivered.inc({ source: stream.source });
        },
        retried: () => this.metrics.retried.inc({ source: stream.source }),
        deadLettered: (kind) => this.metrics.deadLettered.inc({ source: stream.source, kind }),
      },
    };
  }

  /** One connection for both streams, made on first use; a failed attempt is retried by the next call. */
  private connect(): Promise<NatsConnection> {
    this.connecting ??= connect(natsConnectionOptions(this.env, SERVICE_NAME, `${SERVICE_NAME}-consumer`)).then(
      (connection) => {
        this.connection = connection;
        const warning = termCapability(connection.info?.version).warning;
        if (warning) this.logger.warn(warning);
        return connection;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** One bulk write per collection for the batch; its notifications announced with their events' request ids. */
  private async applyBatch(batch: ParsedEvent[]): Promise<void> {
    await this.ingest.ingestBatch(batch, (message, requestId) => this.announce(message, sanitizeRequestId(requestId ?? undefined)));
  }

  /** One event on its own, its log lines carrying the event's request id. */
  private async applyOne(parsed: ParsedEvent): Promise<void> {
    const requestId = sanitizeRequestId(parsed.event.requestId ?? undefined);
    await runWithRequestContext({ requestId }, async () => {
      try {
        await this.ingest.ingestBatch([parsed], (message) => this.announce(message, requestId));
      } catch (error) {
        this.logger.warn({ eventId: parsed.event.eventId, err: describeError(error) }, 'Event processing failed');
        throw error;
      }
    });
  }

  /** Parks the message with its raw bytes and the reason; DurableConsumer then terminates it. */
  private async park({ stream, msg, kind, reason }: DeadLetter): Promise<void> {
    await this.deadLetters.park({
      stream,
      streamSequence: msg.seq,
      subject: msg.subject,
      data: msg.data,
      reason,
      kind,
      deliveryCount: msg.info.deliveryCount,
      msgId: msg.headers?.get('Nats-Msg-Id') || null,
    });
    this.logger.warn({ stream, seq: msg.seq, subject: msg.subject, deliveries: msg.info.deliveryCount, kind, reason }, 'Message parked in dead_letters');
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
      this.logger.warn({ err: describeError(error) }, 'Could not announce a notification');
    }
  }
}
