import { afterEach, describe, expect, it } from '@jest/globals';
import type { GuardedRedis } from '#redis';
import { waitFor } from '#testing';
import { ReplicaWindowLimiter } from './replica-window-limiter.js';

/** What the limiter uses of Redis (a pipeline of INCRBY + PEXPIREAT), shared by the replicas, in memory. */
function sharedStore() {
  const counts = new Map<string, number>();
  let available = true;
  const redis = {
    get available() {
      return available;
    },
    async run<T>(work: (client: unknown) => Promise<T>): Promise<T> {
      if (!available) throw new Error('unavailable');
      const replies: Array<[Error | null, unknown]> = [];
      const pipeline = {
        incrby(key: string, by: number) {
          counts.set(key, (counts.get(key) ?? 0) + by);
          replies.push([null, counts.get(key)]);
        },
        pexpireat() {
          replies.push([null, 1]);
        },
        exec: async () => replies,
      };
      return work({ pipeline: () => pipeline });
    },
  } as unknown as GuardedRedis;
  const total = () => [...counts.values()].reduce((sum, count) => sum + count, 0);
  return { redis, setAvailable: (value: boolean) => (available = value), total };
}

const limiters: ReplicaWindowLimiter[] = [];
const replica = (redis: GuardedRedis, limit: number, syncMs = 60_000) => {
  const limiter = new ReplicaWindowLimiter(redis, { limit, windowMs: 60_000, syncMs, localShare: 0.1 });
  limiters.push(limiter);
  return limiter;
};
afterEach(() => limiters.splice(0).forEach((limiter) => limiter.close()));

describe('ReplicaWindowLimiter', () => {
  it('is exact on one replica, and refuses with the time left in the window', async () => {
    const limiter = replica(sharedStore().redis, 15);
    const decisions = [];
    for (let i = 0; i < 17; i++) decisions.push(await limiter.hit('ip'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(15);
    expect(decisions.slice(15).every((d) => !d.allowed && d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60)).toBe(true);
  });

  it.each([
    [2, 15],
    [3, 15],
    [3, 200],
  ])('%i replicas, limit %i: concurrent bursts overshoot by at most (R - 1) x max(1, 10%% of the limit)', async (replicas, limit) => {
    const { redis } = sharedStore();
    const all = Array.from({ length: replicas }, () => replica(redis, limit));
    const decisions = await Promise.all(Array.from({ length: limit * 3 }, (_, i) => all[i % replicas]!.hit('ip')));
    const admitted = decisions.filter((d) => d.allowed).length;
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + (replicas - 1) * Math.max(1, Math.floor(limit * 0.1)));
  });

  it('enforces the limit per replica while Redis is unavailable, and adds the count when it is back', async () => {
    const store = sharedStore();
    const [a, b] = [replica(store.redis, 10, 20), replica(store.redis, 10, 20)];
    store.setAvailable(false);
    const whileDown = [];
    for (let i = 0; i < 12; i++) whileDown.push(await a.hit('ip'));
    expect(whileDown.filter((d) => d.allowed)).toHaveLength(10);
    store.setAvailable(true);
    await waitFor(() => store.total() === 10, 2000, "a's hits in Redis");
    // b learns a's hits from Redis at its first sync: at most max(1, 10% of 10) = 1 more gets through.
    const fromB = [];
    for (let i = 0; i < 4; i++) fromB.push(await b.hit('ip'));
    expect(fromB.filter((d) => d.allowed).length).toBeLessThanOrEqual(1);
  });
});
