import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_ENV } from '#config';
import { GuardedRedis } from '#redis';
import type { GatewayEnv } from '../config/gateway.env.js';

/** The gateway's one Redis client (a GuardedRedis: short timeouts behind a circuit). */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: GuardedRedis) {}

  onModuleInit(): void {
    // Not awaited: the gateway starts (and serves, rate limiting per replica) while Redis is down.
    this.redis.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.close();
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_ENV], useFactory: (env: GatewayEnv) => new GuardedRedis('gateway', env) }, RedisLifecycle],
  exports: [REDIS],
})
export class RedisModule {}
