import { Redis, type RedisOptions } from 'ioredis';
import { redisConnection, type RedisConfig } from '#config';

export interface RedisClientOptions {
  /** The connection's name in CLIENT LIST, e.g. the service's. */
  name: string;
  /**
   * Whether commands issued while disconnected wait for the connection (ioredis's offline
   * queue). Off on request paths, so a command fails at once instead of waiting for Redis.
   */
  offlineQueue: boolean;
  /** Reconnect attempts a command waits through before it rejects; null: it waits as long as it takes. */
  maxRetriesPerRequest: number | null;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** False: a one-shot client that gives up when its connection fails instead of reconnecting. */
  reconnect?: boolean;
  /**
   * True: the commands issued in one turn of the event loop leave in one write (ioredis's
   * auto-pipelining), in the order issued; one pipeline is in flight at a time. For a client
   * that sends many commands at once without waiting for each reply, e.g. a publisher.
   */
  autoPipelining?: boolean;
}

/**
 * The one place a Redis client is built: the connection from validated config (URL, or host,
 * port and password), never connected until the caller says so (`connect()`), so a service
 * starts while Redis is down. GuardedRedis wraps one for request paths.
 */
export function createRedisClient(config: RedisConfig, options: RedisClientOptions): Redis {
  const clientOptions: RedisOptions = {
    lazyConnect: true,
    connectionName: options.name,
    enableOfflineQueue: options.offlineQueue,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeout: options.connectTimeoutMs } : {}),
    ...(options.reconnect === false ? { retryStrategy: () => null } : {}),
    ...(options.autoPipelining ? { enableAutoPipelining: true } : {}),
  };
  const connection = redisConnection(config);
  return 'url' in connection ? new Redis(connection.url, clientOptions) : new Redis({ ...connection, ...clientOptions });
}
