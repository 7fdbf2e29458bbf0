import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_ENV, redisConnection } from '#config';
import type { GatewayEnv } from '../config/gateway.env.js';

export const REDIS = Symbol('REDIS');

/**
 * One shared client. No offline queue and one retry per command, so a Redis outage makes
 * commands fail at once (callers fail open) instead of piling up behind a reconnect.
 */
function createRedis(env: GatewayEnv): Redis {
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000, connectionName: 'gateway' };
  const connection = redisConnection(env);
  return 'url' in connection ? new Redis(connection.url, options) : new Redis({ ...connection, ...options });
}

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private down = false;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): void {
    // Logged once per outage: ioredis emits an error on every reconnect attempt.
    this.redis.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn(`Redis unavailable (${error.message}); rate limits are not enforced until it is back`);
    });
    this.redis.on('ready', () => {
      if (this.down) this.logger.log('Redis connection restored');
      this.down = false;
    });
    // Not awaited: the gateway starts (and serves, failing open) while Redis is down.
    this.redis.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_ENV], useFactory: createRedis }, RedisLifecycle],
  exports: [REDIS],
})
export class RedisModule {}
