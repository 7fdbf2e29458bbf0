import { describe, expect, it } from '@jest/globals';
import { baseEnv, jwtEnv, natsEnv, postgresEnv } from './schemas.js';
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
    for (const name of ['NATS_URL', 'JWT_ACCESS_SECRET', 'DATABASE_URL or DATABASE_HOST']) expect(message).toContain(name);
  });

  it('rejects invalid values with the variable name', () => {
    expect(() => loadEnv(schema, { JWT_ACCESS_SECRET: 'short', NATS_URL: 'http://x', JWT_ACCESS_TTL: 'soon' })).toThrow(
      /NATS_URL: .*JWT_ACCESS_SECRET: must be at least 32 characters.*JWT_ACCESS_TTL: /,
    );
  });

  it('splits comma-separated NATS servers', () => {
    expect(loadEnv(schema, { NATS_URL: 'nats://a:4222, nats://b:4222' }).NATS_URL).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('masks secrets and URL credentials', () => {
    expect(maskEnv({ JWT_ACCESS_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://u:p@h/db' })).toEqual({
      JWT_ACCESS_SECRET: '***',
      DATABASE_URL: 'postgres://u:***@h/db',
    });
  });
});
