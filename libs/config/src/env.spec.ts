import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { baseEnv, estimatedEntropyBits, jwtEnv, jwtRefreshEnv, jwtSigningEnv, natsEnv, postgresEnv } from './schemas.js';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from './signing-keys.js';
import { InvalidEnvironmentError, loadEnv, maskEnv } from './env.js';

const schema = [baseEnv, natsEnv, postgresEnv, jwtEnv] as const;

describe('loadEnv', () => {
  it('starts with safe defaults outside production', () => {
    const env = loadEnv(schema, {});
    expect(env.NATS_URL).toEqual(['nats://127.0.0.1:4222']);
    expect(env.JWT_ACCESS_TTL).toBe(900);
    expect(env.DATABASE_HOST).toBe('127.0.0.1');
  });

  it('names every missing variable in production', () => {
    let error: unknown;
    try {
      loadEnv(schema, { NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    for (const name of ['NATS_URL', 'JWT_PUBLIC_KEYS', 'DATABASE_URL or DATABASE_HOST']) expect(message).toContain(name);
  });

  it('rejects invalid values with the variable name', () => {
    expect(() => loadEnv(schema, { JWT_PUBLIC_KEYS: 'short', NATS_URL: 'http://x', JWT_ACCESS_TTL: 'soon' })).toThrow(
      /NATS_URL: .*JWT_PUBLIC_KEYS: must be JSON.*JWT_ACCESS_TTL: /,
    );
  });

  it('splits comma-separated NATS servers', () => {
    expect(loadEnv(schema, { NATS_URL: 'nats://a:4222, nats://b:4222' }).NATS_URL).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('reads a bare host:port (a PaaS private-network reference) as a nats:// URL', () => {
    expect(loadEnv(schema, { NATS_URL: 'taskflow-nats-x1y2:4222' }).NATS_URL).toEqual(['nats://taskflow-nats-x1y2:4222']);
    expect(() => loadEnv(schema, { NATS_URL: 'taskflow-nats' })).toThrow(/NATS_URL/);
  });

  it('masks secrets, private keys and URL credentials', () => {
    expect(maskEnv({ JWT_REFRESH_SECRET: 'x'.repeat(40), JWT_SIGNING_KEY: { d: 'private' }, DATABASE_URL: 'postgres://u:p@h/db' })).toEqual({
      JWT_REFRESH_SECRET: '***',
      JWT_SIGNING_KEY: '***',
      DATABASE_URL: 'postgres://u:***@h/db',
    });
  });
});

describe('keys and secrets', () => {
  const keySchema = [baseEnv, jwtEnv, jwtSigningEnv, jwtRefreshEnv] as const;
  const production = { NODE_ENV: 'production' };
  const strong = 'kP3v9w0QeZt7R2mXb8yLc5NaH1sDfGjU4oIqWr6TzVx=';
  // Made here, so no key of the repository's is taken for a production one.
  const ownKey = { kid: 'prod-1', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) };

  it('use the shipped development key pair outside production', () => {
    const env = loadEnv(keySchema, {});
    expect(env.JWT_SIGNING_KEY.kid).toBe(DEVELOPMENT_SIGNING_KEY.kid);
    expect(env.JWT_PUBLIC_KEYS).toEqual([publicHalf(DEVELOPMENT_SIGNING_KEY)]);
  });

  it('are required in production, and the development key is refused there', () => {
    expect(() => loadEnv(keySchema, production)).toThrow(/JWT_PUBLIC_KEYS is required.*JWT_SIGNING_KEY is required/);
    const dev = { JWT_SIGNING_KEY: JSON.stringify(DEVELOPMENT_SIGNING_KEY), JWT_PUBLIC_KEYS: JSON.stringify({ keys: [publicHalf(DEVELOPMENT_SIGNING_KEY)] }) };
    expect(() => loadEnv(keySchema, { ...production, ...dev, JWT_REFRESH_SECRET: strong })).toThrow(
      /JWT_PUBLIC_KEYS: contains the development key.*JWT_SIGNING_KEY: is the development key/,
    );
  });

  it('accept a key pair of your own in production, as a JWKS document or a bare list', () => {
    const { d: _d, ...publicKey } = ownKey;
    for (const keys of [JSON.stringify({ keys: [publicKey] }), JSON.stringify([publicKey])]) {
      const env = loadEnv(keySchema, { ...production, JWT_SIGNING_KEY: JSON.stringify(ownKey), JWT_PUBLIC_KEYS: keys, JWT_REFRESH_SECRET: strong });
      expect(env.JWT_PUBLIC_KEYS.map((key) => key.kid)).toEqual(['prod-1']);
    }
  });

  it('refuse keys that are not P-256 points, or lack a kid', () => {
    const { d: _d, ...publicKey } = ownKey;
    expect(() => loadEnv(keySchema, { JWT_PUBLIC_KEYS: JSON.stringify([{ ...publicKey, x: 'AAAA' }]) })).toThrow(/JWT_PUBLIC_KEYS: every key must be a valid P-256 point/);
    expect(() => loadEnv(keySchema, { JWT_PUBLIC_KEYS: JSON.stringify([{ ...publicKey, kid: undefined }]) })).toThrow(/JWT_PUBLIC_KEYS/);
  });

  it('refuse in production a secret published in the repository or one that does not look random', () => {
    const keys = { JWT_SIGNING_KEY: JSON.stringify(ownKey), JWT_PUBLIC_KEYS: JSON.stringify([ownKey].map(({ d: _d, ...k }) => k)) };
    for (const published of ['dev-only-refresh-secret-change-me-012345678', 'dev-only-jwt-refresh-secret-do-not-use-in-production', 'REPLACE_ME_jwt_refresh_0123456789abcdefghij']) {
      expect(() => loadEnv(keySchema, { ...production, ...keys, JWT_REFRESH_SECRET: published })).toThrow(/JWT_REFRESH_SECRET: is a value published in the repository/);
    }
    expect(() => loadEnv(keySchema, { ...production, ...keys, JWT_REFRESH_SECRET: 'a'.repeat(64) })).toThrow(/JWT_REFRESH_SECRET: does not look random/);
    expect(loadEnv(keySchema, { ...production, ...keys, JWT_REFRESH_SECRET: strong }).JWT_REFRESH_SECRET).toBe(strong);
    // Outside production the published development value is the default.
    expect(loadEnv(keySchema, {}).JWT_REFRESH_SECRET).toMatch(/^dev-only/);
  });

  it('estimate entropy from the characters used', () => {
    expect(estimatedEntropyBits('a'.repeat(64))).toBe(0);
    expect(estimatedEntropyBits(strong)).toBeGreaterThan(128);
  });
});
