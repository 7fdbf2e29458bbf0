import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { MessageBatcher } from './message-batcher.js';
import { OrderedLanes } from './ordered-lanes.js';

/**
 * Thrown by a handler for a message that no retry can fix: it goes to the dead-letter sink
 * at once. Whatever `decode` throws is treated the same way.
 */
export class PoisonMessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}

export type DeadLetterKind = 'poison' | 'max_deliver';

export interface DeadLetter {
  stream: string;
  msg: JsMsg;
  kind: DeadLetterKind;
  reason: string;
}

/** Keeps a message that will not be delivered again (parks it, or logs it); a rejection naks it to try later. */
export type DeadLetterSink = (letter: DeadLetter) => Promise<void>;

/** One message at a time per ordering key (without a key, one at a time in all). */
export interface EachHandling<T> {
  mode: 'each';
  /** Resolves: acked. Throws: nak with back-off, or dead-lettered on its last delivery (at once for a PoisonMessageError). */
  handle(item: T, msg: JsMsg): Promise<void>;
  /** Messages of one key in delivery order; different keys in parallel. Absent: every message in order. */
  orderingKey?: (item: T) => string;
  /** Keys handled at once (default 1). */
  maxInFlight?: number;
}

/** Messages that arrive together handled as one batch (see MessageBatcher), one batch at a time. */
export interface BatchHandling<T> {
  mode: 'batch';
  maxBatch: number;
  /** Resolves: every message is acked. Throws: each message goes through `handle` on its own, so only a failing one is retried. */
  handleBatch(items: T[]): Promise<void>;
  handle(item: T, msg: JsMsg): Promise<void>;
}

/** Hooks for the owner's metrics. */
export interface ConsumerMetricsHooks {
  /** Every message received; `redelivery`: its delivery count is above 1. */
  delivered?(redelivery: boolean): void;
  /** A message naked for a later redelivery after its handler failed. */
  retried?(): void;
  deadLettered?(kind: DeadLetterKind): void;
}

/** How a consumer's messages are decoded, handled and settled: the part of DurableConsumerOptions that needs no NATS. */
export interface MessagePipelineOptions<T> {
  stream: string;
  /** What is consumed, for log lines: "task events". */
  what: string;
  /** Turns a message into what the handler takes; a throw makes it poison (its `reason`, if it has one, else its message). */
  decode: (msg: JsMsg) => T;
  handling: EachHandling<T> | BatchHandling<T>;
  /** Deliveries a message gets (the consumer's max_deliver); the last failing one is dead-lettered. */
  maxDeliver: number;
  /** The delay asked for when the `deliveryCount`-th delivery of a message is naked after a failure. */
  retryDelayMs: (deliveryCount: number) => number;
  deadLetters: DeadLetterSink;
  /** How often held messages are reported in progress (well inside the ack wait), and for how long at most. */
  progressEveryMs: number;
  maxHoldMs: number;
  metrics?: ConsumerMetricsHooks;
}

/** Where one pull's messages go; close() hands back what has not started and waits for what has. */
export interface Dispatcher {
  push(msg: JsMsg): void;
  close(): Promise<void>;
}

type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_REASON = 2000;
const MAX_TERM_REASON = 200;
/** The lane of undecodable messages: no ordering key can collide with it. */
const POISON_LANE = '\u0000poison';

/**
 * Each message is decoded (a failure: poison, to the dead-letter sink, then terminated),
 * handled (ordered lanes or batches), then acked, or naked with a growing delay until its
 * last allowed delivery, which is dead-lettered. Held messages are reported in progress.
 */
export class MessagePipeline<T> {
  constructor(
    private readonly options: MessagePipelineOptions<T>,
    private readonly logger: Logger,
    /** Whether the server honours a terminate with a reason (nats-server 2.10+). */
    private readonly termWithReason: boolean,
  ) {}

  open(): Dispatcher {
    const { handling, progressEveryMs, maxHoldMs } = this.options;
    const onError = (error: unknown) =>
      this.logger.error(`Handling ${this.options.what} failed unexpectedly (${describeError(error)}); its messages come back after the ack wait`);
    if (handling.mode === 'batch') {
      const batcher = new MessageBatcher<JsMsg>({ maxBatch: handling.maxBatch, progressEveryMs, maxHoldMs, onError, handle: (batch) => this.handleBatch(handling, batch) });
      return { push: (msg) => batcher.push(msg), close: () => batcher.close() };
    }
    const decoded = new WeakMap<JsMsg, Decoded<T>>();
    const lanes = new OrderedLanes<JsMsg>({
      maxInFlight: handling.maxInFlight ?? 1,
      progressEveryMs,
      maxHoldMs,
      onError,
      handle: (msg) => {
        const item = decoded.get(msg)!;
        return item.ok ? this.handleOne(handling, msg, item.value) : this.deadLetter(msg, 'poison', item.reason);
      },
    });
    return {
      push: (msg) => {
        const item = this.decode(msg);
        decoded.set(msg, item);
        // Poison has no ordering key: it gets a lane of its own, so drain waits for its dead letter too.
        lanes.push(item.ok ? (handling.orderingKey?.(item.value) ?? '') : POISON_LANE, msg);
      },
      close: () => lanes.close(),
    };
  }

  /** Dead-letters the poison, handles the rest in one call and acks them; when that fails, one by one. */
  private async handleBatch(handling: BatchHandling<T>, batch: JsMsg[]): Promise<void> {
    const valid: { msg: JsMsg; item: T }[] = [];
    for (const msg of batch) {
      const item = this.decode(msg);
      if (item.ok) valid.push({ msg, item: item.value });
      else await this.deadLetter(msg, 'poison', item.reason);
    }
    if (valid.length === 0) return;
    if (valid.length > 1) {
      try {
        await handling.handleBatch(valid.map((entry) => entry.item));
        for (const entry of valid) entry.msg.ack();
        return;
      } catch (error) {
        this.logger.warn({ stream: this.options.stream, messages: valid.length, err: describeError(error) }, `A batch of ${this.options.what} failed; handling its messages one by one`);
      }
    }
    for (const entry of valid) await this.handleOne(handling, entry.msg, entry.item);
  }

  private async handleOne(handling: EachHandling<T> | BatchHandling<T>, msg: JsMsg, item: T): Promise<void> {
    try {
      await handling.handle(item, msg);
    } catch (error) {
      if (error instanceof PoisonMessageError) return this.deadLetter(msg, 'poison', error.reason);
      return this.failed(msg, error);
    }
    msg.ack();
  }

  private decode(msg: JsMsg): Decoded<T> {
    try {
      return { ok: true, value: this.options.decode(msg) };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  }

  private async failed(msg: JsMsg, error: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries >= this.options.maxDeliver) {
      await this.deadLetter(msg, 'max_deliver', `failed ${deliveries} times; last error: ${describeError(error)}`);
      return;
    }
    const wait = this.options.retryDelayMs(deliveries);
    this.options.metrics?.retried?.();
    this.logger.warn({ stream: this.options.stream, subject: msg.subject, seq: msg.seq, deliveries, retryInMs: wait, err: describeError(error) }, `Handling ${this.options.what} failed; will retry`);
    msg.nak(wait);
  }

  /** Hands the message to the sink with the reason, then terminates it (no more deliveries). */
  private async deadLetter(msg: JsMsg, kind: DeadLetterKind, reason: string): Promise<void> {
    const where = { stream: this.options.stream, subject: msg.subject, seq: msg.seq, deliveries: msg.info.deliveryCount };
    const trimmed = reason.slice(0, MAX_REASON);
    try {
      await this.options.deadLetters({ stream: this.options.stream, msg, kind, reason: trimmed });
    } catch (error) {
      // The sink's store is unavailable: try again later while deliveries remain, else give up loudly.
      if (msg.info.deliveryCount < this.options.maxDeliver) {
        this.logger.warn({ ...where, err: describeError(error) }, 'Could not dead-letter the message; will retry');
        msg.nak(this.options.retryDelayMs(msg.info.deliveryCount));
        return;
      }
      this.logger.error({ ...where, reason: trimmed, err: describeError(error), raw: Buffer.from(msg.data).toString('utf8').slice(0, MAX_REASON) }, 'Could not dead-letter the message; dropping it');
      this.terminate(msg, trimmed);
      return;
    }
    this.terminate(msg, trimmed);
    this.options.metrics?.deadLettered?.(kind);
  }

  /** No more deliveries; the reason goes along only where the server honours it (see MIN_NATS_SERVER_VERSION). */
  private terminate(msg: JsMsg, reason: string): void {
    if (this.termWithReason) msg.term(reason.slice(0, MAX_TERM_REASON));
    else msg.term();
  }

}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A decode error's `reason` (PoisonMessageError, or a service's own poison error), else its message. */
function reasonOf(error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : describeError(error);
}
