import type { GuardedRedis } from '#redis';
import { decide, type LimitDecision } from './rate-limit.policy.js';

export interface ReplicaLimiterOptions {
  limit: number;
  windowMs: number;
  /** How often hits counted here are added to Redis (and the replicas' total read back). */
  syncMs: number;
  /**
   * The share of a key's remaining budget (as last read from Redis) this replica may admit
   * before it has to sync again: what bounds the overshoot across replicas (see README).
   */
  localShare: number;
}

/** One client key in one window, as this replica knows it. */
interface KeyState {
  windowStart: number;
  /** The total across replicas at the last sync, this replica's flushed hits included. */
  synced: number;
  /** Admitted here and being added to Redis right now. */
  flushing: number;
  /** Admitted here since then, not yet in Redis. */
  unsynced: number;
}

/**
 * A fixed-window limit per key (windows aligned on the clock, so every replica uses the same
 * ones) that costs no Redis round trip per request. Each replica counts hits locally and
 * adds them to Redis in one pipeline every `syncMs`, reading back the total across replicas.
 * A replica may admit only `max(1, localShare × remaining budget)` hits before its next sync;
 * a request beyond that waits for a sync (batched with every other waiting request). So with
 * R replicas a key can exceed its limit by at most (R − 1) × max(1, localShare × limit) per
 * window, and one replica alone is exact. While Redis is unavailable each replica enforces
 * the limit on its own (fails open to a per-replica limit); its count reaches Redis when
 * Redis is back, within the same window.
 */
export class ReplicaWindowLimiter {
  /** Every key seen in the current window (older windows are dropped when a new one starts). */
  private readonly keys = new Map<string, KeyState>();
  private currentWindow = 0;
  /** Keys with hits not yet in Redis: what a sync walks, rather than every key of the window. */
  private readonly dirty = new Set<string>();
  private syncing: Promise<boolean> | undefined;
  private nextSync: Promise<boolean> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: GuardedRedis,
    private readonly options: ReplicaLimiterOptions,
  ) {
    this.timer = setInterval(() => void this.sync(), options.syncMs);
    this.timer.unref();
  }

  /** Counts one hit of `key` and says whether it is within the limit. */
  async hit(key: string): Promise<LimitDecision> {
    for (let syncFailed = false; ; ) {
      const now = Date.now();
      const state = this.stateOf(key, now);
      const resetMs = state.windowStart + this.options.windowMs - now;
      const known = state.synced + state.flushing + state.unsynced;
      if (known >= this.options.limit) return decide(known + 1, this.options.limit, resetMs);
      const allowance = Math.max(1, Math.floor((this.options.limit - state.synced) * this.options.localShare));
      if (state.flushing + state.unsynced < allowance || syncFailed || !this.redis.available) {
        state.unsynced++;
        this.dirty.add(key);
        return decide(known + 1, this.options.limit, resetMs);
      }
      // Each sync lets at least one waiting request per key through (or refuses it): no starvation.
      syncFailed = !(await this.syncSoon());
    }
  }

  /** Hits Redis did not take stay counted here, for the next sync (unless their window is over). */
  private requeue(key: string, state: KeyState, delta: number): void {
    state.unsynced += delta;
    if (this.keys.get(key) === state) this.dirty.add(key);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private stateOf(key: string, now: number): KeyState {
    const windowStart = now - (now % this.options.windowMs);
    if (windowStart > this.currentWindow) {
      // Windows are aligned: when one starts, every count kept so far belongs to a past one.
      this.keys.clear();
      this.dirty.clear();
      this.currentWindow = windowStart;
    }
    let state = this.keys.get(key);
    if (!state || state.windowStart !== windowStart) {
      state = { windowStart, synced: 0, flushing: 0, unsynced: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  /** The next sync to start from now: one for all requests waiting meanwhile. */
  private syncSoon(): Promise<boolean> {
    if (!this.syncing) return this.sync();
    this.nextSync ??= this.syncing.then(() => {
      this.nextSync = undefined;
      return this.sync();
    });
    return this.nextSync;
  }

  private sync(): Promise<boolean> {
    this.syncing ??= this.flush().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /**
   * One pipeline: INCRBY each key's unsynced hits (expiring with its window), totals read
   * back. False when Redis could not take them (they stay counted here).
   */
  private async flush(): Promise<boolean> {
    const batch: Array<{ key: string; state: KeyState; delta: number }> = [];
    for (const key of this.dirty) {
      const state = this.keys.get(key);
      if (state && state.unsynced > 0) {
        batch.push({ key, state, delta: state.unsynced });
        state.flushing += state.unsynced;
        state.unsynced = 0;
      }
    }
    this.dirty.clear();
    if (batch.length === 0) return true;
    try {
      const results = await this.redis.run((client) => {
        const pipeline = client.pipeline();
        for (const { key, state, delta } of batch) {
          const redisKey = `${key}:${state.windowStart}`;
          pipeline.incrby(redisKey, delta);
          // A second past the window's end, so a slow clock on another replica still finds the count.
          pipeline.pexpireat(redisKey, state.windowStart + this.options.windowMs + 1000);
        }
        return pipeline.exec();
      });
      let complete = true;
      batch.forEach(({ key, state, delta }, i) => {
        const [error, total] = results?.[i * 2] ?? [new Error('no reply')];
        state.flushing -= delta;
        if (error) {
          this.requeue(key, state, delta);
          complete = false;
        } else {
          state.synced = Math.max(state.synced, Number(total));
        }
      });
      return complete;
    } catch {
      // Redis unavailable: the hits stay counted here and are added when it is back.
      for (const { key, state, delta } of batch) {
        state.flushing -= delta;
        this.requeue(key, state, delta);
      }
      return false;
    }
  }
}
