import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module.js';

/** userId → last heartbeat (ms), across every replica. */
export const ONLINE_KEY = 'presence:online';
/** socketId → expiry (ms) of one user's sockets, across every replica. */
export const userSocketsKey = (userId: string) => `presence:user:${userId}`;

/**
 * Removes a socket; when it was the user's last live one (sockets of a crashed replica have
 * expired by now), the user goes offline. One script, so a connect on another replica cannot
 * slip in between the count and the removal.
 */
const UNTRACK_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 1
end
return 0
`;

export interface PresenceEntry {
  userId: string;
  lastSeenMs: number;
}

/** Presence in Redis: every entry carries a deadline, so what a crashed replica left behind expires. */
@Injectable()
export class PresenceRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Marks these sockets alive for `ttlMs` more, and their users seen now. */
  async refresh(sockets: ReadonlyArray<{ socketId: string; userId: string }>, ttlMs: number, now = Date.now()): Promise<void> {
    if (sockets.length === 0) return;
    const pipeline = this.redis.multi();
    for (const { socketId, userId } of sockets) {
      pipeline.zadd(userSocketsKey(userId), now + ttlMs, socketId);
      pipeline.pexpire(userSocketsKey(userId), ttlMs);
      pipeline.zadd(ONLINE_KEY, now, userId);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Resolves to true when the user has no live socket left. */
  async remove(socketId: string, userId: string, now = Date.now()): Promise<boolean> {
    const offline = await this.redis.eval(UNTRACK_SCRIPT, 2, userSocketsKey(userId), ONLINE_KEY, socketId, String(now), userId);
    return offline === 1;
  }

  /** Users seen within `ttlMs`; older entries (a crashed replica's) are pruned on the way. */
  async online(ttlMs: number, now = Date.now()): Promise<PresenceEntry[]> {
    const cutoff = now - ttlMs;
    const [, ranged] = (await this.redis
      .multi()
      .zremrangebyscore(ONLINE_KEY, '-inf', `(${cutoff}`)
      .zrangebyscore(ONLINE_KEY, cutoff, '+inf', 'WITHSCORES')
      .exec()) ?? [[null, 0], [null, []]];
    if (ranged?.[0]) throw ranged[0];
    const flat = (ranged?.[1] ?? []) as string[];
    const entries: PresenceEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ userId: flat[i]!, lastSeenMs: Number(flat[i + 1]) });
    return entries;
  }
}
