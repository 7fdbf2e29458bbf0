import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { GuardedRedis } from '#redis';
import { REDIS } from '../redis/redis.module.js';

/** Count in the current window, and milliseconds until that window ends. */
export interface WindowCount {
  count: number;
  resetMs: number;
}

/**
 * INCR and the window's expiry in one atomic step, so two gateways (or a crash between two
 * commands) can never leave a counter without an expiry. A key found without a TTL is repaired.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Gives one hit back, never below zero and keeping the window's expiry (DECR keeps the TTL). */
const RELEASE_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
`;

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;
type ReleaseCommand = (key: string) => Promise<number>;

/**
 * Fixed-window counters kept in Redis, one round trip per call: exact across gateway replicas,
 * for the login limit (rare requests, where exactness matters more than a round trip).
 */
@Injectable()
export class WindowCounter {
  private readonly hitCommand: HitCommand;
  private readonly releaseCommand: ReleaseCommand;

  constructor(@Inject(REDIS) private readonly guarded: GuardedRedis) {
    const redis = guarded.client;
    // defineCommand sends EVALSHA and falls back to EVAL once per script load.
    redis.defineCommand('taskflowWindowHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    redis.defineCommand('taskflowWindowRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    const commands = redis as unknown as { taskflowWindowHit: HitCommand; taskflowWindowRelease: ReleaseCommand };
    this.hitCommand = commands.taskflowWindowHit.bind(redis);
    this.releaseCommand = commands.taskflowWindowRelease.bind(redis);
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, resetMs] = await this.guarded.run(() => this.hitCommand(key, windowMs));
    return { count: Number(count), resetMs: Number(resetMs) };
  }

  async release(key: string): Promise<void> {
    await this.guarded.run(() => this.releaseCommand(key));
  }

  async reset(key: string): Promise<void> {
    await this.guarded.run((redis: Redis) => redis.del(key));
  }
}
