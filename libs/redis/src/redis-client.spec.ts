import { describe, expect, it } from '@jest/globals';
import { createRedisClient } from './redis-client.js';

describe('createRedisClient', () => {
  it('builds a lazy client from a URL with the options asked for', () => {
    const client = createRedisClient({ REDIS_URL: 'redis://127.0.0.1:6390/3', REDIS_PORT: 6379 }, { name: 'svc', offlineQueue: false, maxRetriesPerRequest: 1, commandTimeoutMs: 100 });
    expect(client.status).toBe('wait');
    expect(client.options).toMatchObject({ port: 6390, db: 3, connectionName: 'svc', enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 100 });
    client.disconnect();
  });

  it('uses host and port without a URL, and gives up instead of reconnecting when asked', () => {
    const client = createRedisClient({ REDIS_HOST: 'redis.local', REDIS_PORT: 6400 }, { name: 'once', offlineQueue: true, maxRetriesPerRequest: null, reconnect: false });
    expect(client.options).toMatchObject({ host: 'redis.local', port: 6400, enableOfflineQueue: true, maxRetriesPerRequest: null });
    expect(client.options.retryStrategy?.(1)).toBeNull();
    client.disconnect();
  });

  it('auto-pipelines only when asked', () => {
    const config = { REDIS_URL: 'redis://127.0.0.1:6390', REDIS_PORT: 6379 };
    const plain = createRedisClient(config, { name: 'plain', offlineQueue: true, maxRetriesPerRequest: null });
    const publisher = createRedisClient(config, { name: 'pub', offlineQueue: true, maxRetriesPerRequest: null, autoPipelining: true });
    expect(plain.options.enableAutoPipelining).toBe(false);
    expect(publisher.options.enableAutoPipelining).toBe(true);
    plain.disconnect();
    publisher.disconnect();
  });
});
