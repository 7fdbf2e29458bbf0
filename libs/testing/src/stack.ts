import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuthContract, EventsContract, RealtimeContract, TasksContract } from '#contracts';
import { connectAs, natsCredentialsEnv, oneProcessNatsCredentialsEnv } from './nats.js';
import { hostPath, testEnv } from './test-config.js';
import { StopWaiting, waitFor } from './wait.js';

/**
 * Services are run as built, as separate processes, exactly as `npm start` runs them; `all` is
 * the one-process mode (dist/all/src/main.js, `npm run start:one`): the five in one process.
 */
export type ServiceName = 'gateway' | 'auth-service' | 'tasks-service' | 'events-service' | 'realtime-service' | 'all';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PING_SUBJECT: Record<Exclude<ServiceName, 'gateway' | 'all'>, string> = {
  'auth-service': AuthContract.ping.subject,
  'tasks-service': TasksContract.ping.subject,
  'events-service': EventsContract.ping.subject,
  'realtime-service': RealtimeContract.ping.subject,
};

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export class RunningService {
  private output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: ServiceName,
    readonly process: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500);
    };
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
  }

  logs(): string[] {
    return [...this.output];
  }

  /** Sends SIGTERM (the orchestrator's stop) and resolves to the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    return this.exited;
  }
}

/** Credentials given in `env` (a test of start-up refusals, say) win over the role's own. */
function hasNatsCredentials(env: Record<string, string>): boolean {
  return ['NATS_NKEY_SEED', 'NATS_CREDS_FILE', 'NATS_USER'].some((name) => name in env);
}

/** Runs the built service with `env` plus, unless `env` has some, its own role's NATS credentials (each role's, for `all`). */
export async function startService(name: ServiceName, env: Record<string, string>, timeoutMs = 20000): Promise<RunningService> {
  const entry = resolve(ROOT, `dist/${name}/src/main.js`);
  // Jest's global set-up builds dist/ when a source is newer (scripts/lib/fresh-build.mjs).
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` (or the tests through jest, whose global set-up builds)`);
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { PATH: hostPath(), ...(hasNatsCredentials(env) ? {} : name === 'all' ? oneProcessNatsCredentialsEnv() : natsCredentialsEnv(name)), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service = new RunningService(name, child);
  const failed = service.exited.then((code) => {
    throw new Error(`${name} exited with ${code} during start-up:\n${service.logs().slice(-20).join('\n')}`);
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([waitUntilServing(name, env, timeoutMs, () => child.exitCode !== null || child.signalCode !== null), failed]);
  } catch (error) {
    // Not serving in time: nobody else holds this process, so it must not outlive the suite.
    await service.stop('SIGKILL');
    throw error;
  }
  return service;
}

async function waitUntilServing(name: ServiceName, env: Record<string, string>, timeoutMs: number, exited: () => boolean): Promise<void> {
  /** Stops polling as soon as the process is gone, so nothing outlives a failed start. */
  const unlessExited = <T>(probe: () => Promise<T>) => async () => {
    if (exited()) throw new StopWaiting(`${name} exited`);
    return probe();
  };
  // One process: serving once the gateway is ready (every service behind it answers its ping).
  if (name === 'all') {
    await waitFor(unlessExited(async () => (await fetch(`http://127.0.0.1:${env.PORT}/health/ready`)).ok), timeoutMs, 'all /health/ready');
    return;
  }
  // Services with their own HTTP port: a NATS ping could be answered by another replica.
  if (name === 'gateway' || name === 'realtime-service') {
    await waitFor(unlessExited(async () => (await fetch(`http://127.0.0.1:${env.PORT}/health`)).ok), timeoutMs, `${name} /health`);
    return;
  }
  // The gateway's credentials: pings are requests only the gateway may send.
  const nc = await connectAs('gateway', { servers: env.NATS_URL });
  try {
    const subject = PING_SUBJECT[name];
    await waitFor(unlessExited(async () => !!(await nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: 'ping' }), { timeout: 500 }))), timeoutMs, `${name} ping`);
  } finally {
    await nc.close();
  }
}

export interface Stack {
  env: Record<string, string>;
  baseUrl: string;
  services: Map<ServiceName, RunningService>;
  /** `env` overrides the stack's environment for this process only, e.g. realtime-service's own PORT. */
  start(name: ServiceName, env?: Record<string, string>): Promise<RunningService>;
  stop(name: ServiceName): Promise<number | null>;
  close(): Promise<void>;
}

/** Starts the back-end services, then a gateway on a free port; `overrides` reach every process. */
export async function startStack(overrides: Record<string, string> = {}, backends: ServiceName[] = ['auth-service']): Promise<Stack> {
  const env: Record<string, string> = { ...testEnv(), ...overrides };
  const services = new Map<ServiceName, RunningService>();
  const stack: Stack = {
    env,
    baseUrl: '',
    services,
    async start(name, serviceEnv = {}) {
      const service = await startService(name, { ...env, ...serviceEnv });
      services.set(name, service);
      return service;
    },
    async stop(name) {
      const service = services.get(name);
      services.delete(name);
      return service ? service.stop() : null;
    },
    async close() {
      await Promise.all([...services.keys()].map((name) => stack.stop(name)));
    },
  };
  try {
    // All settled before anything is closed: a back-end still starting when another failed
    // would otherwise be missed by close() and outlive the suite.
    const started = await Promise.allSettled(backends.map((name) => stack.start(name)));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    // The gateway's port is picked only now: the back-ends' probe servers listen on ephemeral
    // ports, and one picked earlier could have been handed to one of them meanwhile.
    const port = overrides.PORT ?? String(await freePort());
    env.PORT = port;
    stack.baseUrl = `http://127.0.0.1:${port}`;
    await stack.start('gateway');
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
