import { Logger } from '@nestjs/common';
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
import { consumerReplicas, CONSUME_IDLE_HEARTBEAT_MS, isTransientJetStreamError, warnOnReplicaMismatch, type NatsRpcClient } from '#nats';

export interface DurableConsumerOptions {
  stream: string;
  /** Shared by every replica, so each message is handled by exactly one of them. */
  durable: string;
  /** Absent: the whole stream (nats-server 2.9 takes one filter subject only). */
  filterSubject?: string;
  /** What is consumed, for log lines: "task events". */
  what: string;
  /** Logger context, e.g. the owning class's name. */
  context: string;
  /** Settles the message (ack, nak or term); a throw naks it for a retry a second later. */
  handle(message: JsMsg): Promise<void>;
  /** EVENT_STREAM_REPLICAS: the consumer's replicas when this replica creates it. */
  replicas: number;
}

const MAX_BACKOFF_MS = 5000;
/** How long stop() waits for the loop: enough for the message in hand, well inside the grace period. */
const STOP_WAIT_MS = 1500;

/** A message's JSON body, or undefined when it is not JSON: the caller's parser then refuses it. */
export function jsonBody(message: { json<T>(): T }): unknown {
  try {
    return message.json<unknown>();
  } catch {
    return undefined;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A live feed from one durable pull consumer: created with `deliver: new` by whichever
 * replica gets there first, explicit acks. Until the producer has created the stream, and
 * after an operator deleted the consumer or the stream, it waits (with backoff) and retries.
 * Shared by realtime-service's consumers (task events, session revocations) so that this
 * loop exists once.
 */
export class DurableConsumer {
  private readonly logger: Logger;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private lastProblem?: string;

  constructor(
    private readonly nats: NatsRpcClient,
    private readonly options: DurableConsumerOptions,
  ) {
    this.logger = new Logger(options.context);
  }

  start(): void {
    this.loop = this.run().catch((error: unknown) => this.logger.error(`Consumer of ${this.options.what} stopped: ${describeError(error)}`));
  }

  /**
   * Stops pulling and lets the message in hand finish; unacked ones go to another replica.
   * Bounded: a JetStream API call in flight (the stream not there yet, say) would otherwise
   * hold the drain for its whole timeout, past the grace period; it is abandoned instead.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.messages?.close().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((done) => (timer = setTimeout(done, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    const { stream, durable } = this.options;
    let backoff = 250;
    while (!this.stopping) {
      try {
        const connection = await this.nats.connect();
        if (this.stopping) return;
        await this.ensureConsumer(await jetstreamManager(connection));
        const consumer = await jetstream(connection).consumers.get(stream, durable);
        const messages = await consumer.consume({ max_messages: 100, idle_heartbeat: CONSUME_IDLE_HEARTBEAT_MS });
        this.messages = messages;
        if (this.stopping) {
          await messages.close();
          return;
        }
        void this.watch(messages);
        this.problemSolved();
        backoff = 250;
        for await (const message of messages) await this.settle(message);
      } catch (error) {
        this.problem(describeError(error));
        // A leader election (a node lost) is over in seconds: keep retrying every second meanwhile.
        if (isTransientJetStreamError(error)) backoff = Math.min(backoff, 1000);
      }
      if (!this.stopping) await this.sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  private async settle(message: JsMsg): Promise<void> {
    try {
      await this.options.handle(message);
    } catch (error) {
      this.logger.error(`Handling ${message.subject} (seq ${message.seq}) failed: ${describeError(error)}`);
      message.nak(1000);
    }
  }

  /** The durable consumer, created by whichever replica gets there first; an existing one is kept as is (a replica mismatch is logged). */
  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const { stream, durable, filterSubject, replicas } = this.options;
    try {
      warnOnReplicaMismatch(`Durable consumer ${durable} on ${stream}`, await jsm.consumers.info(stream, durable), replicas, this.logger);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    }
    const streamInfo = await jsm.streams.info(stream);
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ...(filterSubject ? { filter_subject: filterSubject } : {}),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(30_000),
      max_deliver: 5,
      num_replicas: consumerReplicas(streamInfo, replicas),
    });
    this.logger.log(`Created durable consumer ${durable} on ${stream}`);
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
    this.logger.warn(`${capitalize(this.options.what)} not consumed yet: ${description}; retrying`);
  }

  private problemSolved(): void {
    if (this.lastProblem) this.logger.log(`Consuming ${this.options.what}`);
    this.lastProblem = undefined;
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
