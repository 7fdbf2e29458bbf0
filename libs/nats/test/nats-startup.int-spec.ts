// Production start-up refuses to reach NATS without credentials of the service's own: no
// credentials at all, or a development seed published in this repository, ends the built
// service at once with one line naming the variable (before it connects to anything).
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '#auth';
import { DEV_NATS_SEEDS, NATS_SERVICE_ROLES, publicHalf } from '#config';
import { hostPath } from '#testing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const SIGNING_KEY = generateSigningKey('startup-test');

/** Everything every service needs in production, except NATS credentials; nothing listens at these addresses. */
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  NATS_URL: 'nats://127.0.0.1:9',
  DATABASE_URL: 'postgres://taskflow@127.0.0.1:9/taskflow',
  REDIS_URL: 'redis://127.0.0.1:9',
  MONGODB_URI: 'mongodb://127.0.0.1:9/taskflow',
  // A key pair made here: production refuses the development one.
  JWT_SIGNING_KEY: JSON.stringify(SIGNING_KEY),
  JWT_PUBLIC_KEYS: JSON.stringify([publicHalf(SIGNING_KEY)]),
  JWT_REFRESH_SECRET: 'production-like-refresh-secret-012345678',
  CURSOR_SECRET: 'production-like-cursor-secret-0123456789',
  CORS_ORIGIN: 'https://app.example.com',
};

function run(service: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(ROOT, `dist/${service}/src/main.js`)], { cwd: ROOT, env: { PATH: hostPath(), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A service that got past config would try to connect forever: the cap turns that into a
    // failure. Generous, since a loaded machine takes seconds just to load a service's modules.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('production start-up and NATS credentials', () => {
  it.each(NATS_SERVICE_ROLES)('%s refuses to start without NATS credentials, in one line naming NATS_NKEY_SEED', async (service) => {
    const { code, stderr } = await run(service, PRODUCTION_ENV);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid environment: NATS_NKEY_SEED is required \(or NATS_CREDS_FILE, or NATS_USER and NATS_PASSWORD\)/)]);
  }, 40000);

  // Every published seed is refused by every service: libs/config/src/nats-env.spec.ts.
  it.each(NATS_SERVICE_ROLES)('%s refuses its development seed', async (service) => {
    const seed = DEV_NATS_SEEDS[service];
    const { code, stderr } = await run(service, { ...PRODUCTION_ENV, NATS_NKEY_SEED: seed });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid environment: NATS_NKEY_SEED: is a development seed published in the repository/)]);
    expect(stderr).not.toContain(seed);
  }, 40000);
});
