import { describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { EmissionBatch, emittedKey, MAX_BATCH, type Emission } from './emission-batch.js';

/** Redis's SET NX over a Map, pipelined as ioredis does; `down` fails the whole pipeline. */
function fakeRedis(options: { down?: boolean } = {}) {
  const keys = new Set<string>();
  let roundTrips = 0;
  const redis = {
    pipeline() {
      const sets: string[] = [];
      const pipeline = {
        set(key: string) {
          sets.push(key);
          return pipeline;
        },
        async exec() {
          roundTrips += 1;
          if (options.down) throw new Error('Connection is closed.');
          return sets.map((key) => {
            if (keys.has(key)) return [null, null];
            keys.add(key);
            return [null, 'OK'];
          });
        },
      };
      return pipeline;
    },
  } as unknown as Pick<Redis, 'pipeline'>;
  return { redis, keys, roundTrips: () => roundTrips };
}

function emission(eventId: string, log: string[], fail = false): Emission {
  return {
    eventId,
    type: 'task.updated',
    message: { ack: () => log.push(`ack ${eventId}`), nak: () => log.push(`nak ${eventId}`) },
    emit: () => {
      if (fail) throw new Error('boom');
      log.push(`emit ${eventId}`);
    },
  };
}

describe('EmissionBatch', () => {
  it('emits and acks the events handed over in one turn in order, after one Redis round trip', async () => {
    const { redis, keys, roundTrips } = fakeRedis();
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    for (const id of ['a', 'b', 'c']) await batch.add(emission(id, log));
    expect(log).toEqual([]);
    await batch.drain();
    expect(log).toEqual(['emit a', 'ack a', 'emit b', 'ack b', 'emit c', 'ack c']);
    expect(roundTrips()).toBe(1);
    expect([...keys]).toEqual(['a', 'b', 'c'].map(emittedKey));
  });

  it('acks a redelivered event without emitting it again, in the same batch or a later one', async () => {
    const { redis } = fakeRedis();
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    await batch.add(emission('a', log));
    await batch.add(emission('a', log));
    await batch.drain();
    await batch.add(emission('a', log));
    await batch.drain();
    expect(log).toEqual(['emit a', 'ack a', 'ack a', 'ack a']);
  });

  it('emits when Redis cannot say (at least once beats never), and naks an event whose emit failed', async () => {
    const { redis } = fakeRedis({ down: true });
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    await batch.add(emission('a', log, true));
    await batch.add(emission('b', log));
    await batch.drain();
    expect(log).toEqual(['nak a', 'emit b', 'ack b']);
  });

  it('holds the consumer back once a batch is full, until that batch is emitted', async () => {
    const { redis, roundTrips } = fakeRedis();
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    for (let i = 1; i < MAX_BATCH; i += 1) await batch.add(emission(`e${i}`, log));
    expect(log).toEqual([]);
    await batch.add(emission('last', log));
    expect(log).toHaveLength(2 * MAX_BATCH);
    expect(log.slice(-2)).toEqual(['emit last', 'ack last']);
    expect(roundTrips()).toBe(1);
  });
});
