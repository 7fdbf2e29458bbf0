import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONSUME_IDLE_HEARTBEAT_MS, isTransientJetStreamError, termCapability } from '#nats';
import { ensureDurableConsumer, type DurableConsumerConfig } from './consumer-config.js';
import { describeError, MessagePipeline, type MessagePipelineOptions } from './message-pipeline.js';

export interface DurableConsumerOptions<T> extends MessagePipelineOptions<T> {
  /** The connection to consume on (called again after a failure; may reject while NATS is away). */
  connect: () => Promise<NatsConnection>;
  consumer: DurableConsumerConfig;
  /** Logger context, e.g. the owning class's name. */
  context: string;
  /** Messages asked for per pull. */
  pullSize: number;
  /** How long stop() waits for the message(s) in hand before giving up on them. */
  stopWaitMs: number;
}

/**
 * A durable pull consumer shared by every replica (each message is handled by one of them),
 * explicit acks. It creates or upgrades the consumer (ensureDurableConsumer), waits while the
 * stream does not exist yet, pulls with heartbeats and, when the consumer or stream is deleted
 * or the pull fails, starts over with back-off. Each pull's messages go through a
 * MessagePipeline (decode, handle, ack / nak / dead-letter). stop() drains: no more pulls,
 * messages pulled but not started go back (nak), the ones in hand finish and are settled.
 */
export class DurableConsumer<T> {
  private readonly logger: Logger;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  private lastProblem?: string;

  constructor(private readonly options: DurableConsumerOptions<T>) {
    this.logger = new Logger(options.context);
  }

  /** Starts in the background: the owner serves while NATS or the stream is not there yet. */
  start(): void {
    this.loop = this.run().catch((error: unknown) => this.logger.error(`Consumer of ${this.options.what} stopped: ${describeError(error)}`));
  }

  /**
   * Stops pulling and lets the messages in hand finish; the rest go to another replica.
   * Bounded: a JetStream API call in flight (the stream not there yet, say) would otherwise
   * hold the drain for its whole timeout, past the grace period; it is abandoned instead.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await this.messages?.close().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((done) => (timer = setTimeout(done, this.options.stopWaitMs)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    const { stream, consumer: config, what } = this.options;
    const durable = config.create.durable_name;
    let failures = 0;
    while (!this.stopping) {
      let transient = false;
      try {
        const connection = await this.options.connect();
        if (this.stopping) return;
        const outcome = await ensureDurableConsumer(await jetstreamManager(connection), stream, config, (error) =>
          this.logger.warn(`Could not update consumer ${durable} on ${stream} (${describeError(error)}); keeping its settings`),
          this.logger,
        );
        if (outcome === 'no_stream') {
          this.problem(`stream ${stream} does not exist yet (its producer creates it)`);
          await this.sleep(1000);
          continue;
        }
        if (outcome === 'created') this.logger.log(`Created durable consumer ${durable} on ${stream}`);
        const consumer = await jetstream(connection).consumers.get(stream, durable);
        const pipeline = new MessagePipeline(this.options, this.logger, termCapability(connection.info?.version).termWithReason);
        const dispatcher = pipeline.open();
        const messages = await consumer.consume({
          max_messages: this.options.pullSize,
          idle_heartbeat: CONSUME_IDLE_HEARTBEAT_MS,
          callback: (msg) => {
            failures = 0;
            this.options.metrics?.delivered?.(msg.info.deliveryCount > 1);
            if (this.stopping) msg.nak(); // pulled but not started: back to the stream for another replica
            else dispatcher.push(msg);
          },
        });
        this.messages = messages;
        try {
          if (this.stopping) await messages.close();
          this.watch(messages);
          this.solved(`Consuming ${what} (${stream}) as durable consumer ${durable}`);
          const ended = await messages.closed();
          if (ended instanceof Error && !this.stopping) this.problem(`the pull ended (${describeError(ended)})`);
        } finally {
          await dispatcher.close();
          this.messages = undefined;
        }
      } catch (error) {
        failures += 1;
        transient = isTransientJetStreamError(error);
        this.problem(describeError(error));
      }
      // A leader election (a node lost) is over in seconds: retry within one, not after the full back-off.
      if (!this.stopping) await this.sleep(Math.min(backoff(Math.max(failures, 1)), transient ? 1000 : Number.POSITIVE_INFINITY));
    }
  }

  /** Consumer or stream gone (deleted by an operator): end this round, so the loop recreates it. */
  private watch(messages: ConsumerMessages): void {
    void (async () => {
      for await (const status of messages.status()) {
        if (status.type === 'consumer_deleted' || status.type === 'stream_not_found' || (status.type === 'consumer_not_found' && status.count >= 3)) {
          this.problem(`${status.type}; re-creating the consumer`);
          await messages.close().catch(() => undefined);
          return;
        }
      }
    })().catch(() => undefined);
  }

  /** A pause that stop() cuts short. */
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

  /** Logged once per distinct problem (waiting for the stream retries every second). */
  private problem(description: string): void {
    if (this.stopping || description === this.lastProblem) return;
    this.lastProblem = description;
    this.logger.warn(`${capitalize(this.options.what)} not consumed: ${description}; retrying`);
  }

  private solved(message: string): void {
    this.lastProblem = undefined;
    this.logger.log(message);
  }
}

function backoff(failures: number): number {
  return Math.min(10_000, 250 * 2 ** Math.min(failures - 1, 8));
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
