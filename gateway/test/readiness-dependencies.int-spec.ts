import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Api, freePort, PrivatePostgres, startStack, type Stack, waitFor } from '#testing';

// tasks-service runs on a PostgreSQL of this suite's own, so pausing and stopping it disturbs nobody.
let pg: PrivatePostgres;
let stack: Stack;
let api: Api;
let probeUrl: string;

beforeAll(async () => {
  pg = await PrivatePostgres.start();
  stack = await startStack({}, ['auth-service', 'events-service']);
  const healthPort = await freePort();
  probeUrl = `http://127.0.0.1:${healthPort}/health/ready`;
  await stack.start('tasks-service', { DATABASE_URL: pg.url, HEALTH_PORT: String(healthPort) });
  api = new Api(stack.baseUrl);
}, 60000);
afterAll(async () => {
  await stack?.close();
  pg?.close();
});

/** Readiness answers within the gateway's 1 s ping budget even when a database hangs. */
async function ready(): Promise<{ status: number; message: string; ms: number }> {
  const started = Date.now();
  const response = await api.get('/health/ready');
  return { status: response.status, message: JSON.stringify(response.body.message ?? ''), ms: Date.now() - started };
}

describe('readiness follows the services’ own dependencies', () => {
  it('turns 503 naming tasks-service and postgres while PostgreSQL hangs, fast, and recovers when it resumes', async () => {
    expect((await ready()).status).toBe(200);

    pg.pause();
    try {
      const during = await waitFor(async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      }, 5000, 'readiness 503 while PostgreSQL is paused');
      expect(during.message).toMatch(/tasks-service \(postgres\)/);
      expect(during.message).not.toMatch(/auth-service|events-service/);
      // The ping's own check gives up after ~300 ms, well inside the gateway's wait.
      expect((await ready()).ms).toBeLessThan(1000);
      expect((await fetch(probeUrl)).status).toBe(503);
      expect((await api.get('/health')).status).toBe(200);
    } finally {
      pg.resume();
    }
    await waitFor(async () => (await ready()).status === 200, 5000, 'readiness 200 after PostgreSQL resumed');
    expect((await fetch(probeUrl)).status).toBe(200);
  });

  it('turns 503 naming postgres when PostgreSQL is down', async () => {
    pg.stop();
    const down = await waitFor(async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    }, 5000, 'readiness 503 with PostgreSQL stopped');
    expect(down.message).toMatch(/tasks-service \(postgres\)/);
  });
});
