import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_ENV } from '#config';
import type { Actor, Page, TaskDto } from '#contracts';
import type { TasksEnv } from '../config/tasks.env.js';
import type { GuardedRedis } from '#redis';
import type { NormalizedListQuery } from '../tasks/list-query.js';
import { CACHE_EPOCH_KEY, combinedGeneration, GLOBAL_GENERATION_KEY, generationKeysFor, listCacheKey, projectGenerationKey, userGenerationKey } from './list-cache-key.js';
import { REDIS } from './redis.provider.js';

const WARN_EVERY_MS = 30_000;

/**
 * List pages in Redis, keyed by the reader's generation counter. A write bumps the counters
 * of everyone it concerns (and the global one) after it commits and before it answers, so
 * every page that could hold the old task is unreachable at once: no KEYS, no SCAN, old
 * pages just expire. Redis is optional: any failure is a cache miss (or a skipped bump),
 * logged at most every 30 s, never an error for the caller; a hung Redis costs one command
 * timeout, then nothing until it answers again (GuardedRedis).
 *
 * A skipped bump would leave stale pages reachable once Redis is back. So every key also
 * holds an epoch, and a replica that skipped a bump increments the epoch before it uses
 * Redis again (a recovery hook of the client's circuit): every page written before is then
 * unreachable. Other replicas may serve such a page until that increment, at most one
 * REDIS_PROBE_INTERVAL_MS after they see Redis again.
 */
@Injectable()
export class TaskListCache {
  private readonly logger = new Logger(TaskListCache.name);
  private lastWarning = 0;
  private bumpSkipped = false;

  constructor(
    @Inject(REDIS) private readonly redis: GuardedRedis,
    @Inject(APP_ENV) private readonly env: Pick<TasksEnv, 'TASK_LIST_CACHE_TTL_S'>,
  ) {
    redis.onRecovery(() => this.bumpEpochIfSkipped(redis.client));
  }

  private async bumpEpochIfSkipped(redis: Redis): Promise<void> {
    if (!this.bumpSkipped) return;
    await redis.incr(CACHE_EPOCH_KEY);
    this.bumpSkipped = false;
  }

  /**
   * The cache key for this read, or null when the cache cannot be used right now. A member's
   * key holds their own counter and those of `projectIds` (the projects they are in now).
   */
  async keyFor(actor: Actor, query: NormalizedListQuery, projectIds: readonly string[] = []): Promise<string | null> {
    try {
      const keys = generationKeysFor(actor, projectIds);
      return await this.redis.run(async (redis) => {
        await this.bumpEpochIfSkipped(redis);
        let [epoch, ...values] = await redis.mget(CACHE_EPOCH_KEY, ...keys);
        const missing = keys.filter((_, i) => values[i] === null);
        if (missing.length > 0) {
          // A counter that never existed (or was lost): start it at a value no old page used.
          const start = String(Date.now());
          const pipeline = redis.pipeline();
          for (const key of missing) pipeline.set(key, start, 'NX');
          await pipeline.exec();
          [epoch, ...values] = await redis.mget(CACHE_EPOCH_KEY, ...keys);
          if (values.some((value) => value === null)) return null;
        }
        return listCacheKey(actor, `${epoch ?? 0}.${combinedGeneration(values as string[], projectIds)}`, query);
      });
    } catch (error) {
      this.warn('read', error);
      return null;
    }
  }

  async get(key: string): Promise<Page<TaskDto> | null> {
    try {
      const cached = await this.redis.run((redis) => redis.get(key));
      return cached === null ? null : (JSON.parse(cached) as Page<TaskDto>);
    } catch (error) {
      this.warn('read', error);
      return null;
    }
  }

  async set(key: string, page: Page<TaskDto>): Promise<void> {
    try {
      await this.redis.run((redis) => redis.set(key, JSON.stringify(page), 'EX', this.env.TASK_LIST_CACHE_TTL_S));
    } catch (error) {
      this.warn('write', error);
    }
  }

  /**
   * After a write committed: every list of these users, of every member of these projects,
   * and every admin list, is stale.
   */
  async invalidate(userIds: Iterable<string>, projectIds: Iterable<string> = []): Promise<void> {
    try {
      const results = await this.redis.run((redis) => {
        const pipeline = redis.pipeline();
        for (const userId of new Set(userIds)) pipeline.incr(userGenerationKey(userId));
        for (const projectId of new Set(projectIds)) pipeline.incr(projectGenerationKey(projectId));
        pipeline.incr(GLOBAL_GENERATION_KEY);
        return pipeline.exec();
      });
      const failed = (results ?? []).find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.bumpSkipped = true;
      this.warn('invalidate', error);
    }
  }

  private warn(operation: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(`List cache unavailable (${operation}: ${error instanceof Error ? error.message : String(error)}); serving uncached`);
  }
}
