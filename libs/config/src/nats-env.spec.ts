import { describe, expect, it } from '@jest/globals';
import { createUser } from '@nats-io/nkeys';
import { loadEnv, maskEnv } from './env.js';
import { DEV_NATS_SEEDS, isDevelopmentNatsSeed, NATS_ROLES } from './nats-credentials.js';
import { baseEnv, jetStreamEnv, natsEnv } from './schemas.js';

const schema = [baseEnv, natsEnv] as const;
const production = { NODE_ENV: 'production', NATS_URL: 'nats://nats:4222' };
const freshSeed = () => new TextDecoder().decode(createUser().getSeed());
const problemsOf = (source: Record<string, string>) => {
  try {
    loadEnv(schema, source);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('natsEnv credentials', () => {
  it('needs none outside production (the role\'s development seed applies)', () => {
    expect(loadEnv(schema, {}).NATS_NKEY_SEED).toBeUndefined();
  });

  it('in production, requires one complete form of credentials', () => {
    expect(problemsOf(production)).toMatch(/NATS_NKEY_SEED is required \(or NATS_CREDS_FILE, or NATS_USER and NATS_PASSWORD\)/);
    expect(problemsOf({ ...production, NATS_NKEY_SEED: freshSeed() })).toBe('');
    expect(problemsOf({ ...production, NATS_CREDS_FILE: '/run/secrets/nats.creds' })).toBe('');
    expect(problemsOf({ ...production, NATS_USER: 'tasks', NATS_PASSWORD: 'p' })).toBe('');
    expect(problemsOf({ ...production, NATS_USER: 'tasks' })).toMatch(/NATS_PASSWORD is required with NATS_USER/);
  });

  it('in production, refuses every development seed in the repository, without echoing it', () => {
    for (const role of NATS_ROLES) {
      const message = problemsOf({ ...production, NATS_NKEY_SEED: DEV_NATS_SEEDS[role] });
      expect(message).toMatch(/NATS_NKEY_SEED: is a development seed published in the repository/);
      expect(message).not.toContain(DEV_NATS_SEEDS[role]);
    }
    expect(isDevelopmentNatsSeed(freshSeed())).toBe(false);
  });

  it('accepts development seeds outside production', () => {
    expect(loadEnv(schema, { NATS_NKEY_SEED: DEV_NATS_SEEDS.gateway }).NATS_NKEY_SEED).toBe(DEV_NATS_SEEDS.gateway);
  });

  it('rejects what is not an nkey user seed', () => {
    expect(problemsOf({ NATS_NKEY_SEED: 'UAB7UHXZMXHTCU5AMYF6Y5YISFOD6JQOC6BY4JG3ENLYNUDO76SCXJFB' })).toMatch(/NATS_NKEY_SEED: must be an nkey user seed/);
  });

  it('wants a client certificate with its key', () => {
    expect(problemsOf({ NATS_TLS_CERT_FILE: '/tls/client.crt' })).toMatch(/NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together/);
    expect(problemsOf({ NATS_TLS_CERT_FILE: '/tls/client.crt', NATS_TLS_KEY_FILE: '/tls/client.key', NATS_TLS_CA_FILE: '/tls/ca.crt' })).toBe('');
  });

  it('masks the seed when the config is logged', () => {
    expect(maskEnv({ NATS_NKEY_SEED: DEV_NATS_SEEDS.gateway, NATS_PASSWORD: 'p' })).toEqual({ NATS_NKEY_SEED: '***', NATS_PASSWORD: '***' });
  });
});

describe('jetStreamEnv', () => {
  const replicas = [baseEnv, jetStreamEnv] as const;
  it('replicates event streams once by default (one server), and takes 3 for a cluster', () => {
    expect(loadEnv(replicas, {}).EVENT_STREAM_REPLICAS).toBe(1);
    expect(loadEnv(replicas, { NODE_ENV: 'production' }).EVENT_STREAM_REPLICAS).toBe(1);
    expect(loadEnv(replicas, { EVENT_STREAM_REPLICAS: '3' }).EVENT_STREAM_REPLICAS).toBe(3);
  });

  it('refuses what JetStream cannot keep', () => {
    for (const value of ['0', '6', '2.5', 'three']) expect(() => loadEnv(replicas, { EVENT_STREAM_REPLICAS: value })).toThrow(/EVENT_STREAM_REPLICAS/);
  });
});
