import { describe, expect, it } from '@jest/globals';
import { loadEnv } from './env.js';
import { baseEnv, natsEnv } from './schemas.js';
import { DEV_NATS_SEEDS } from './nats-credentials.js';
import { serviceEnvPrefix, serviceEnvSource } from './service-env.js';

describe('serviceEnvSource (one-process mode)', () => {
  it('derives the prefix from the NATS role', () => {
    expect(serviceEnvPrefix('gateway')).toBe('GATEWAY_');
    expect(serviceEnvPrefix('tasks-service')).toBe('TASKS_SERVICE_');
  });

  it('lets a prefixed variable win for its service only; plain names are shared', () => {
    const source = { NATS_URL: 'nats://shared:4222', TASKS_SERVICE_NATS_NKEY_SEED: DEV_NATS_SEEDS['tasks-service'], AUTH_SERVICE_LOG_LEVEL: 'debug' };
    const tasks = loadEnv([baseEnv, natsEnv], serviceEnvSource('tasks-service', source));
    const auth = loadEnv([baseEnv, natsEnv], serviceEnvSource('auth-service', source));
    expect(tasks.NATS_NKEY_SEED).toBe(DEV_NATS_SEEDS['tasks-service']);
    expect(auth.NATS_NKEY_SEED).toBeUndefined();
    expect([tasks.NATS_URL, auth.NATS_URL]).toEqual([['nats://shared:4222'], ['nats://shared:4222']]);
    expect([tasks.LOG_LEVEL, auth.LOG_LEVEL]).toEqual(['info', 'debug']);
  });

  it("puts the composition root's defaults between plain and prefixed names", () => {
    expect(serviceEnvSource('realtime-service', { PORT: '10000' }, { PORT: '0' }).PORT).toBe('0');
    expect(serviceEnvSource('realtime-service', { PORT: '10000', REALTIME_SERVICE_PORT: '3002' }, { PORT: '0' }).PORT).toBe('3002');
  });
});
