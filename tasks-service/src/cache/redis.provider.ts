import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GuardedRedis } from '#redis';
import type { TasksEnv } from '../config/tasks.env.js';
import { SERVICE_NAME } from '../database/database.module.js';

/** tasks-service's Redis client (a GuardedRedis: short timeouts behind a circuit). */
export const REDIS = Symbol('REDIS');

export function createRedis(env: TasksEnv): GuardedRedis {
  return new GuardedRedis(SERVICE_NAME, env);
}

@Injectable()
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: GuardedRedis) {}

  onModuleInit(): void {
    // Not awaited: the service starts and serves, uncached, while Redis is down.
    this.redis.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.close();
  }
}
