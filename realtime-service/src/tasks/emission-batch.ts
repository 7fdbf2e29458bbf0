import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { describeError } from '../jetstream/durable-consumer.js';

/** An event redelivered (its ack lost) within this time is not emitted twice. */
export const EMITTED_TTL_S = 600;
export const emittedKey = (eventId: string) => `realtime:emitted:${eventId}`;
/** The consumer's pull batch: a full batch waits for its emission before more are taken. */
export const MAX_BATCH = 100;

export interface Emission {
  message: Pick<JsMsg, 'ack' | 'nak'>;
  eventId: string;
  type: string;
  emit(): void | Promise<void>;
}

/**
 * Emits the events the consumer hands over within one turn of the event loop together: one
 * pipelined Redis round trip marks their first emissions (instead of one per event), then
 * each is emitted, in order, and acked. Emitting them in one go also lets every socket's
 * transport send the packets it has queued in one write. Batches run one after another, so
 * events keep their stream order.
 */
export class EmissionBatch {
  private readonly logger = new Logger(EmissionBatch.name);
  private pending: Emission[] = [];
  private scheduled?: Promise<void>;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Pick<Redis, 'pipeline'>) {}

  /** Resolves at once, or, when the batch is full, once it has been emitted (back-pressure on the pull). */
  add(emission: Emission): Promise<void> {
    this.pending.push(emission);
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.pending.length >= MAX_BATCH ? this.flush() : Promise.resolve();
  }

  /** Every event handed over so far, emitted and settled. */
  async drain(): Promise<void> {
    await this.scheduled;
    await this.tail;
  }

  private flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = undefined;
    if (batch.length > 0) this.tail = this.tail.then(() => this.emit(batch));
    return this.tail;
  }

  private async emit(batch: Emission[]): Promise<void> {
    const first = await this.firstEmissions(batch.map((emission) => emission.eventId));
    for (const [i, emission] of batch.entries()) {
      try {
        if (first[i]) await emission.emit();
        emission.message.ack();
      } catch (error) {
        this.logger.error(`Emitting ${emission.type} ${emission.eventId} failed: ${describeError(error)}`);
        emission.message.nak(1000);
      }
    }
  }

  /** Delivery is at least once; a redelivered event is acked without a second emit. Redis down: emit. */
  private async firstEmissions(eventIds: string[]): Promise<boolean[]> {
    const pipeline = this.redis.pipeline();
    for (const eventId of eventIds) pipeline.set(emittedKey(eventId), '1', 'EX', EMITTED_TTL_S, 'NX');
    try {
      const results = await pipeline.exec();
      return eventIds.map((_, i) => {
        const [error, reply] = results?.[i] ?? [null, 'OK'];
        return error !== null || reply === 'OK';
      });
    } catch {
      return eventIds.map(() => true);
    }
  }
}
