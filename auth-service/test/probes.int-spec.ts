import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import { freePort, startService, testEnv, type RunningService } from '#testing';

let service: RunningService;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = await startService('auth-service', { ...testEnv(), HEALTH_PORT: String(port) });
});
afterAll(() => service?.stop());

describe('auth-service probes', () => {
  it('serves liveness, readiness (NATS and PostgreSQL) and Prometheus metrics', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/process_cpu_user_seconds_total\{service="auth-service"\}/);
    // The ping that startService waited for was counted.
    expect(metrics).toMatch(/nats_requests_total\{subject="auth.ping",outcome="ok",service="auth-service"\} [1-9]/);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await service.stop('SIGTERM')).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});

describe('auth-service start-up', () => {
  it('refuses a bad environment with one line naming each variable, and exits non-zero', async () => {
    const error = await startService('auth-service', { ...testEnv(), NODE_ENV: 'production', JWT_REFRESH_SECRET: 'short', DATABASE_URL: '', BCRYPT_ROUNDS: 'many' }, 20000).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/exited with 1/);
    expect(error?.message).toMatch(/Invalid environment: .*JWT_REFRESH_SECRET: must be at least 32 characters/);
    expect(error?.message).toMatch(/JWT_SIGNING_KEY is required/);
    expect(error?.message).toMatch(/JWT_PUBLIC_KEYS is required/);
    expect(error?.message).toMatch(/BCRYPT_ROUNDS/);
    expect(error?.message).toMatch(/DATABASE_URL or DATABASE_HOST is required/);
  });

  it('refuses in production the development key and secrets published in the repository', async () => {
    const published = {
      JWT_SIGNING_KEY: JSON.stringify(DEVELOPMENT_SIGNING_KEY),
      JWT_PUBLIC_KEYS: JSON.stringify({ keys: [publicHalf(DEVELOPMENT_SIGNING_KEY)] }),
      JWT_REFRESH_SECRET: 'dev-only-jwt-refresh-secret-do-not-use-in-production',
    };
    const error = await startService('auth-service', { ...testEnv(), NODE_ENV: 'production', ...published }, 20000).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/exited with 1/);
    expect(error?.message).toMatch(/JWT_PUBLIC_KEYS: contains the development key/);
    expect(error?.message).toMatch(/JWT_SIGNING_KEY: is the development key/);
    expect(error?.message).toMatch(/JWT_REFRESH_SECRET: is a value published in the repository/);
  });
});
