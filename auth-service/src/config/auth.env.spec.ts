import { describe, expect, it } from '@jest/globals';
import { InvalidEnvironmentError, loadEnv } from '#config';
import { authEnvSchema } from './auth.env.js';

const load = (extra: Record<string, string>) => loadEnv(authEnvSchema, { NODE_ENV: 'test', ...extra });

describe('auth-service environment', () => {
  it('counts ADMIN_PASSWORD in bytes: 72 are fine, 73 are refused at start-up, naming the variable', () => {
    expect(load({ ADMIN_PASSWORD: 'é'.repeat(36) }).ADMIN_PASSWORD).toBe('é'.repeat(36));
    // 37 characters but 74 bytes: a character count would have let it through to bcrypt.
    expect(() => load({ ADMIN_PASSWORD: 'é'.repeat(37) })).toThrow(InvalidEnvironmentError);
    expect(() => load({ ADMIN_PASSWORD: 'é'.repeat(37) })).toThrow(/ADMIN_PASSWORD: must be 8-72 bytes long/);
    expect(() => load({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });
});
