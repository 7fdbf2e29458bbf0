// Helpers shared by the benchmarks: settings, ports, polling, binaries, the bench database.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { createServer, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import pg from 'pg';
import { io } from 'socket.io-client';
import { DEV_NATS_SEEDS, natsInboxPrefix } from '#config';
import { REALTIME_NAMESPACE, REALTIME_PATH } from '#contracts';
import { NATS_CONFIG, natsDevEnv } from '../scripts/lib/local-nats.mjs';
import { SERVICE_NODE_FLAGS } from '../scripts/lib/service-node-flags.mjs';

export const HOST = '127.0.0.1';
const ROOT = join(import.meta.dirname, '..');
const JONGODB = join(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');

/**
 * The Node flags the services run with everywhere (scripts/lib/service-node-flags.mjs), so a
 * bench measures what runs; BENCH_SERVICE_FLAGS=none starts them with Node's own defaults
 * instead, to compare in one run.
 */
export function serviceNodeFlags() {
  const setting = process.env.BENCH_SERVICE_FLAGS ?? 'default';
  if (!['default', 'none'].includes(setting)) throw new Error(`BENCH_SERVICE_FLAGS must be default or none, got "${setting}"`);
  return setting === 'none' ? [] : [...SERVICE_NODE_FLAGS];
}

/**
 * A private bench nats-server runs the shipped configuration (deploy/nats/nats-server.conf)
 * with the development public keys, as `npm start` and the tests do: the numbers include
 * nkey authentication and permission checks. The services use their development seeds.
 */
export function privateNatsArgs(port, storeDir) {
  return { args: ['-c', NATS_CONFIG, '-a', HOST, '-p', String(port), '-sd', storeDir], env: natsDevEnv() };
}

/** Probes (pings) connect as the gateway's development role: pings are gateway requests. */
export function benchNatsOptions(servers, name) {
  return { servers, name, authenticator: nkeyAuthenticator(new TextEncoder().encode(DEV_NATS_SEEDS.gateway)), inboxPrefix: natsInboxPrefix('gateway') };
}

/** A NATS connection with a service's development credentials (`role`: a key of DEV_NATS_SEEDS). */
export function natsAs(url, role, label = 'bench') {
  return connect({ servers: url, name: `${label}-${role}`, authenticator: nkeyAuthenticator(new TextEncoder().encode(DEV_NATS_SEEDS[role])), inboxPrefix: natsInboxPrefix(role) });
}

export function intSetting(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export async function freePort() {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

export function portOpen(port) {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (open) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(500);
    socket.once('connect', () => finish(true)).once('error', () => finish(false)).once('timeout', () => finish(false));
    socket.connect(port, HOST);
  });
}

export async function poll(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    try {
      const outcome = await probe();
      if (outcome === true) return;
      last = outcome;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
}

export function findOnPath(binary) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin'])) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Creates `database` on the server of `pgUrl` (no path) if it is missing. */
export async function ensureDatabase(pgUrl, database) {
  const client = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database}"`);
      console.log(`[bench] created database ${database}`);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** One statement on its own connection (the benches' occasional queries, outside any measured process). */
export async function sqlOnce(databaseUrl, text, params = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** bench/monolith-baseline.mjs names its requests so: its outbox rows are recognised by payload.requestId. */
export const MONOLITH_REQUEST_PREFIX = 'bench-monolith-';

/** The monolith's outbox rows are never relayed: removed so no later tasks-service publishes them. */
export async function deleteMonolithOutboxRows(databaseUrl) {
  const rows = await sqlOnce(databaseUrl, `WITH gone AS (DELETE FROM outbox WHERE published_at IS NULL AND payload->>'requestId' LIKE $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [`${MONOLITH_REQUEST_PREFIX}%`]);
  return rows[0].n;
}

/** A user registered through the gateway: its access token and id. */
export async function registerUser(baseUrl, label) {
  const credentials = { email: `bench-${label}-${randomUUID().slice(0, 8)}@example.test`, password: 'bench-password-0123', name: `Bench ${label}` };
  const response = await fetch(`${baseUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials), signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const json = response.status === 201 ? JSON.parse(text) : undefined;
  if (!json?.accessToken) throw new Error(`register ${label} failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  return { token: json.accessToken, id: json.user?.id };
}

/** The sum of a Prometheus counter's series on a /metrics page (`labels`: a substring every counted series has); undefined if the page has no such metric. */
export async function metricTotal(metricsUrl, name, labels = '') {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
  if (!text.includes(`# HELP ${name} `)) return undefined;
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

export function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Every process a bench started and has not stopped: what to kill, and whose last lines to show, on a failure. */
export const benchProcesses = new Set();

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
export const CLK_TCK = 100;

/** `/proc/<pid>/stat` of a process: utime + stime in clock ticks, its command name and parent. */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { ticks: Number(fields[11]) + Number(fields[12]), comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]) };
}

/** utime + stime of a process so far, in ms (10 ms resolution); 0 once it is gone. */
export function procCpuMs(pid) {
  try {
    return (procStat(pid).ticks * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** pid -> {ticks, comm, ppid} of every process; empty off Linux. */
export function cpuSnapshot() {
  const snapshot = new Map();
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    try {
      snapshot.set(Number(pid), procStat(pid));
    } catch {
      // gone meanwhile
    }
  }
  return snapshot;
}

/** A child process of a bench, keeping its last 100 output lines. */
export class BenchProcess {
  constructor(name, command, args, env, cwd) {
    this.name = name;
    this.lines = [];
    this.child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done(signal ?? code)));
    const keep = (chunk) => {
      this.lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.lines.length > 100) this.lines.splice(0, this.lines.length - 100);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    benchProcesses.add(this);
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** utime + stime of the process so far, in ms (10 ms resolution). */
  cpuMs() {
    return procCpuMs(this.child.pid);
  }

  async stop(signal = 'SIGTERM') {
    if (this.running) this.child.kill(signal);
    const timer = setTimeout(() => this.running && this.child.kill('SIGKILL'), 30_000);
    const outcome = await this.exited;
    clearTimeout(timer);
    benchProcesses.delete(this);
    return outcome;
  }
}

/** A private nats-server (privateNatsArgs) with a store of its own, removed when it stops. */
export async function startPrivateNats(storePrefix, startupMs) {
  const binary = process.env.BENCH_NATS_SERVER ?? findOnPath('nats-server');
  if (!binary) throw new Error('no nats-server binary found (set BENCH_NATS_SERVER)');
  const port = await freePort();
  const dir = await mkdtemp(join(os.tmpdir(), storePrefix));
  const { args, env } = privateNatsArgs(port, dir);
  const proc = new BenchProcess('nats-server', binary, args, { PATH: process.env.PATH ?? '', ...env });
  await poll('nats-server', async () => (await portOpen(port)) || 'not listening', startupMs);
  return { url: `nats://${HOST}:${port}`, proc, stop: async () => (await proc.stop(), await rm(dir, { recursive: true, force: true })) };
}

/**
 * Runs a bench's `main` within `budgetMs`: `finish(code, error)` stops what it started and exits,
 * after main, on a failure, on SIGINT/SIGTERM, or when the budget is exceeded.
 */
export function runBounded(main, finish, budgetMs) {
  const watchdog = setTimeout(() => void finish(1, new Error(`bench exceeded its ${budgetMs} ms budget`)), budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void finish(130, new Error(`interrupted by ${signal}`)));
  main().then(
    () => finish(0),
    (error) => finish(1, error),
  );
}

/** A private redis-server (no persistence): the Socket.IO adapter's channels are global to a server, and its CPU is then this bench's alone. */
export async function startPrivateRedis(startupMs) {
  const binary = process.env.BENCH_REDIS_SERVER ?? findOnPath('redis-server');
  if (!binary) throw new Error('no redis-server binary found (set BENCH_REDIS_SERVER)');
  const port = await freePort();
  const proc = new BenchProcess('redis-server', binary, ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no'], { PATH: process.env.PATH ?? '' });
  await poll('redis-server', async () => (await portOpen(port)) || 'not listening', startupMs);
  return { url: `redis://${HOST}:${port}`, proc, stop: () => proc.stop() };
}

/** A fresh in-memory jongodb (the MongoDB stand-in) on a free port; `database` is the URL's path. */
export async function startJongodb(database, startupMs) {
  const port = await freePort();
  const proc = new BenchProcess('jongodb', JONGODB, [`--host=${HOST}`, `--port=${port}`], { PATH: process.env.PATH ?? '' });
  await poll('jongodb', async () => (await portOpen(port)) || 'not listening', startupMs);
  return { url: `mongodb://${HOST}:${port}/${database}`, proc, stop: () => proc.stop('SIGKILL') };
}

/** A Socket.IO client on namespace /tasks, as a browser connects (websocket, no reconnection). */
export function realtimeClient(baseUrl, token) {
  return io(`${baseUrl}${REALTIME_NAMESPACE}`, { path: REALTIME_PATH, transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
}

export function connected(socket) {
  return new Promise((done, fail) => {
    if (socket.connected) return done();
    const timer = setTimeout(() => fail(new Error('socket connect timed out')), 30_000);
    socket.once('connect', () => (clearTimeout(timer), done()));
    socket.once('connect_error', (error) => (clearTimeout(timer), fail(error)));
  });
}
