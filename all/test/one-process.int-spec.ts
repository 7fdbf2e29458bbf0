import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TaskDto } from '#contracts';
import {
  Api,
  connected,
  createTask,
  EventLog,
  freePort,
  realtimeClient,
  registerUser,
  startService,
  testEnv,
  waitFor,
  type RealtimeClient,
  type RunningService,
} from '#testing';

const GRACE_MS = 5000;
let service: RunningService;
let api: Api;
let socket: RealtimeClient | undefined;
let realtimePort: number;
/** The NATS-only services' probe ports, each set through its prefix (AUTH_SERVICE_HEALTH_PORT...): the per-service override rule, end to end. */
const probePorts: Record<string, number> = {};

beforeAll(async () => {
  const port = await freePort();
  realtimePort = await freePort();
  for (const name of ['auth-service', 'tasks-service', 'events-service']) probePorts[name] = await freePort();
  const probeEnv = Object.fromEntries(Object.entries(probePorts).map(([name, p]) => [`${name.toUpperCase().replace('-', '_')}_HEALTH_PORT`, String(p)]));
  // The harness's NATS, PostgreSQL, Redis and MongoDB; each service gets its own role's seed under its prefix.
  service = await startService(
    'all',
    { ...testEnv(), PORT: String(port), REALTIME_SERVICE_PORT: String(realtimePort), SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'info', ...probeEnv },
    60000,
  );
  api = new Api(`http://127.0.0.1:${port}`);
}, 90000);
afterAll(async () => {
  socket?.disconnect();
  if (service?.process.exitCode === null) await service.stop('SIGKILL');
});

describe('one-process mode (dist/all/src/main.js)', () => {
  it('serves the API end to end: register, login, tasks, the event log and /socket.io on one port', async () => {
    const user = await registerUser(api);
    const login = await api.post('/api/auth/login', { email: user.email, password: user.password });
    expect(login.status).toBe(200);
    const token: string = login.body.accessToken;

    // Through the gateway's port: /socket.io reaches realtime-service in the same process.
    socket = realtimeClient(api.baseUrl, token);
    const events = new EventLog(socket);
    await connected(socket);

    const task: TaskDto = await createTask(api, token, { title: 'One process' });
    const list = await api.get('/api/tasks', { token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: TaskDto) => item.id)).toContain(task.id);

    const pushed = await events.waitFor('task:created', (event) => event.taskId === task.id, 15000);
    expect(pushed).toMatchObject({ type: 'task.created', actorId: user.user.id });
    // outbox → JetStream → events-service → the event log, read back through the gateway.
    const logged = await waitFor(
      async () => {
        const response = await api.get('/api/events', { token });
        return response.status === 200 && response.body.items.find((event: { taskId?: string }) => event.taskId === task.id);
      },
      15000,
      'the task.created event in /api/events',
    );
    expect(logged).toMatchObject({ type: 'task.created' });
  }, 60000);

  it('reports every service: gateway readiness pings the NATS services, each keeps its own metrics', async () => {
    expect((await api.get('/health/ready')).status).toBe(200);
    const metrics = await api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/http_requests_total/);
    // realtime-service on its own port, as when split (its sockets counted there, not in the gateway's registry).
    const realtime = new Api(`http://127.0.0.1:${realtimePort}`);
    expect((await realtime.get('/health/ready')).status).toBe(200);
    const realtimeMetrics = await realtime.get('/metrics');
    expect(realtimeMetrics.status).toBe(200);
    expect(realtimeMetrics.text).toContain('service="realtime-service"');
    for (const [name, probePort] of Object.entries(probePorts)) {
      const probes = new Api(`http://127.0.0.1:${probePort}`);
      expect({ name, status: (await probes.get('/health/ready')).status }).toEqual({ name, status: 200 });
      expect((await probes.get('/metrics')).text).toContain(`service="${name}"`);
    }
    // One pino root, each line labelled with its service.
    const logged = service.logs().join('\n');
    for (const name of ['gateway', 'auth-service', 'tasks-service', 'events-service', 'realtime-service']) expect(logged).toContain(`"service":"${name}"`);
  });

  it('drains every service on SIGTERM and exits 0 within the grace period, a socket still connected', async () => {
    expect(socket?.connected).toBe(true);
    const signalledAt = Date.now();
    const code = await service.stop('SIGTERM');
    if (code !== 0) console.log(service.logs().slice(-30).join('\n'));
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
    await expect(fetch(`${api.baseUrl}/health`)).rejects.toThrow();
  }, 20000);
});
