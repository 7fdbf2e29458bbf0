/**
 * The test environment: the servers globalSetup resolved (TEST_*_URL) and fixed test
 * settings. The one place the test harness reads process.env.
 */
import { randomBytes } from 'node:crypto';

/** Access tokens are signed with the development key pair (libs/config), the local default. */
export const TEST_SECRETS = {
  JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789-012345678',
};

/** Seeded by auth-service at start-up in every test stack. */
export const TEST_ADMIN = { email: 'admin@taskflow.test', password: 'admin-password-123' };

/**
 * One event-log database per suite (module state is per test file): jongodb's cost per write
 * grows with the collection, and a CI run's suites log ~25,000 events between them; in one
 * shared database, later suites' events-service took seconds per write, answered /api/events
 * with 504s and missed its start-up timeout.
 */
const SUITE_DATABASE_SUFFIX = randomBytes(4).toString('hex');

function suiteDatabase(uri: string): string {
  const url = new URL(uri);
  url.pathname = `/${url.pathname.replace(/^\//, '') || 'taskflow_test'}_${SUITE_DATABASE_SUFFIX}`;
  return url.toString();
}

export function testEnv(): Record<string, string> {
  const required = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the tests through jest (globalSetup resolves the servers)`);
    return value;
  };
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: required('TEST_DATABASE_URL'),
    REDIS_URL: required('TEST_REDIS_URL'),
    NATS_URL: required('TEST_NATS_URL'),
    BCRYPT_ROUNDS: '4',
    // Probe servers of NATS-only services on any free port, so several instances can run.
    HEALTH_PORT: '0',
    // Every suite's requests come from 127.0.0.1; the rate-limit suite sets its own limits.
    RATE_LIMIT_MAX: '100000',
    // Reuse of a refresh token revokes at once, as suites expect; refresh-grace.int-spec sets a window.
    REFRESH_REUSE_GRACE_S: '0',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    // events-service's MongoDB (a real server or jongodb), when globalSetup resolved one.
    ...(process.env.TEST_MONGODB_URI ? { MONGODB_URI: suiteDatabase(process.env.TEST_MONGODB_URI) } : {}),
    ...TEST_SECRETS,
  };
}

/**
 * How the harness's NATS authenticates: 'nkey' (its own nats-server with the shipped
 * configuration) or 'none' (no nats-server binary: an open server, development only).
 */
export function testNatsAuth(): { mode: 'nkey'; adminSeed: string } | { mode: 'none' } {
  if (process.env.TEST_NATS_AUTH === 'none') return { mode: 'none' };
  const adminSeed = process.env.TEST_NATS_ADMIN_SEED;
  if (process.env.TEST_NATS_AUTH !== 'nkey' || !adminSeed) throw new Error('TEST_NATS_AUTH is not set: run the tests through jest (globalSetup starts NATS)');
  return { mode: 'nkey', adminSeed };
}

/** PATH for spawned services (nothing else of the test runner's environment leaks in). */
export function hostPath(): string {
  return process.env.PATH ?? '';
}
