import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_ENV } from '#config';
import { createRedisClient } from '#redis';
import { SERVICE_NAME, type RealtimeEnv } from '../config/realtime.env.js';

/** Commands (presence, readiness, de-duplication): fail fast while Redis is away. */
export const REDIS = Symbol('REDIS');
/** The Socket.IO Redis adapter's publisher and subscriber. */
export const REDIS_ADAPTER_CLIENTS = Symbol('REDIS_ADAPTER_CLIENTS');

export interface RedisAdapterClients {
  pub: Redis;
  sub: Redis;
}

function createCommandClient(env: RealtimeEnv): Redis {
  return createRedisClient(env, { name: SERVICE_NAME, offlineQueue: false, maxRetriesPerRequest: 1, commandTimeoutMs: 1000 });
}

/**
 * The adapter publishes without handling rejections, so its clients must never reject a
 * command: they queue while Redis is away (`maxRetriesPerRequest: null`) and resubscribe on
 * reconnect. Local sockets keep receiving events meanwhile; other replicas get them once Redis is back.
 * The publisher auto-pipelines: a batch of events is a PUBLISH each, and they leave in one
 * write instead of one (two: header and payload) per event; order on the connection is kept.
 */
function createAdapterClients(env: RealtimeEnv): RedisAdapterClients {
  const pub = createRedisClient(env, { name: `${SERVICE_NAME}-pub`, offlineQueue: true, maxRetriesPerRequest: null, autoPipelining: true });
  const sub = createRedisClient(env, { name: `${SERVICE_NAME}-sub`, offlineQueue: true, maxRetriesPerRequest: null });
  return { pub, sub };
}

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private down = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_ADAPTER_CLIENTS) private readonly adapter: RedisAdapterClients,
  ) {}

  onModuleInit(): void {
    // ioredis emits an error per reconnect attempt, on each client: logged once per outage.
    const onError = (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn(`Redis unavailable (${error.message}); presence and cross-replica delivery wait for it`);
    };
    for (const client of this.clients()) {
      client.on('error', onError);
      // Not awaited: the service starts (liveness answers, readiness says 503) while Redis is down.
      client.connect().catch(() => undefined);
    }
    this.redis.on('ready', () => {
      if (this.down) this.logger.log('Redis connection restored');
      this.down = false;
    });
  }

  /** Runs after Socket.IO has closed (Nest disposes sockets before the shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    // QUIT flushes what is pending; a client that is not connected would queue it forever.
    await Promise.all(this.clients().map((client) => (client.status === 'ready' ? client.quit().then(() => undefined, () => client.disconnect()) : client.disconnect())));
  }

  private clients(): Redis[] {
    return [this.redis, this.adapter.pub, this.adapter.sub];
  }
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_ENV], useFactory: createCommandClient },
    { provide: REDIS_ADAPTER_CLIENTS, inject: [APP_ENV], useFactory: createAdapterClients },
    RedisLifecycle,
  ],
  exports: [REDIS, REDIS_ADAPTER_CLIENTS],
})
export class RedisModule {}
