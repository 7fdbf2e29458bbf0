import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { redisConnection } from '#config';
import type { TasksEnv } from '../config/tasks.env.js';
import { SERVICE_NAME } from '../database/database.module.js';

export const REDIS = Symbol('REDIS');

/**
 * No offline queue, one retry, a short command timeout: while Redis is away a command fails
 * at once and the list is served from PostgreSQL, instead of waiting on a reconnect.
 */
export function createRedis(env: TasksEnv): Redis {
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250, connectionName: SERVICE_NAME };
  const connection = redisConnection(env);
  return 'url' in connection ? new Redis(connection.url, options) : new Redis({ ...connection, ...options });
}

@Injectable()
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): void {
    // ioredis emits an error per reconnect attempt; TaskListCache reports failures (rate-limited).
    this.redis.on('error', () => undefined);
    // Not awaited: the service starts and serves, uncached, while Redis is down.
    this.redis.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
