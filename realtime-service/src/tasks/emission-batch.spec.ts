import { describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { EmissionBatch, emittedKey, type Emission } from './emission-batch.js';

/** Redis's SET NX and DEL over a Set, pipelined as ioredis does; `down` fails the whole pipeline. */
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
    async del(...names: string[]) {
      for (const name of names) keys.delete(name);
      return names.length;
    },
  } as unknown as Pick<Redis, 'pipeline' | 'del'>;
  return { redis, keys, roundTrips: () => roundTrips };
}

function emission(eventId: string, log: string[], fail = false): Emission {
  return {
    eventId,
    emit: () => {
      if (fail) throw new Error('boom');
      log.push(`emit ${eventId}`);
    },
  };
}

describe('EmissionBatch', () => {
  it('emits a batch in order after one Redis round trip that marks every event', async () => {
    const { redis, keys, roundTrips } = fakeRedis();
    const log: string[] = [];
    await new EmissionBatch(redis).emitAll(['a', 'b', 'c'].map((id) => emission(id, log)));
    expect(log).toEqual(['emit a', 'emit b', 'emit c']);
    expect(roundTrips()).toBe(1);
    expect([...keys]).toEqual(['a', 'b', 'c'].map(emittedKey));
  });

  it('does not emit a redelivered event again, in the same batch or a later one', async () => {
    const { redis } = fakeRedis();
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    await batch.emitAll([emission('a', log), emission('a', log)]);
    await batch.emitAll([emission('a', log), emission('b', log)]);
    expect(log).toEqual(['emit a', 'emit b']);
  });

  it('emits when Redis cannot say whether an event was emitted', async () => {
    const { redis } = fakeRedis({ down: true });
    const log: string[] = [];
    await new EmissionBatch(redis).emitAll([emission('a', log), emission('b', log)]);
    expect(log).toEqual(['emit a', 'emit b']);
  });

  it('a failed emit throws and unmarks it and the events after it, so a retry emits exactly those', async () => {
    const { redis, keys } = fakeRedis();
    const batch = new EmissionBatch(redis);
    const log: string[] = [];
    await expect(batch.emitAll([emission('a', log), emission('b', log, true), emission('c', log)])).rejects.toThrow('boom');
    expect([...keys]).toEqual([emittedKey('a')]);
    await batch.emitAll(['a', 'b', 'c'].map((id) => emission(id, log)));
    expect(log).toEqual(['emit a', 'emit b', 'emit c']);
  });
});
