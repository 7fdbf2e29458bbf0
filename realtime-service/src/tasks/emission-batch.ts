import type { Redis } from 'ioredis';

/** An event redelivered (its ack lost) within this time is not emitted twice. */
export const EMITTED_TTL_S = 600;
export const emittedKey = (eventId: string) => `realtime:emitted:${eventId}`;
/** The consumer's pull, and so its largest batch. */
export const MAX_BATCH = 100;

export interface Emission {
  eventId: string;
  emit(): void | Promise<void>;
}

/**
 * First emissions of the events the consumer hands over together (libs/jetstream batch
 * mode): one pipelined Redis round trip marks them all (instead of one per event), then each
 * first one is emitted, in stream order. Emitting them in one go also lets every socket's
 * transport send the packets it has queued in one write. Delivery is at least once: a
 * redelivered event is not emitted again; with Redis down, events are emitted.
 */
export class EmissionBatch {
  constructor(private readonly redis: Pick<Redis, 'pipeline' | 'del'>) {}

  /**
   * Throws when an emit fails, after unmarking that event and the ones after it, so the
   * consumer's one-by-one retry emits exactly those (the ones before were sent).
   */
  async emitAll(batch: Emission[]): Promise<void> {
    const first = await this.firstEmissions(batch.map((emission) => emission.eventId));
    for (const [i, emission] of batch.entries()) {
      if (!first[i]) continue;
      try {
        await emission.emit();
      } catch (error) {
        const unsent = batch.slice(i).filter((_, j) => first[i + j]);
        await this.redis.del(...unsent.map((e) => emittedKey(e.eventId))).catch(() => undefined);
        throw error;
      }
    }
  }

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
