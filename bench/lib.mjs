// Helpers shared by the benchmarks: settings, ports, polling, binaries, the bench database.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { createServer, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { nkeyAuthenticator } from '@nats-io/transport-node';
import pg from 'pg';
import { DEV_NATS_SEEDS, natsInboxPrefix } from '#config';
import { NATS_CONFIG, natsDevEnv } from '../scripts/lib/local-nats.mjs';
import { SERVICE_NODE_FLAGS } from '../scripts/lib/service-node-flags.mjs';

export const HOST = '127.0.0.1';

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

export function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Every process a bench started and has not stopped: what to kill, and whose last lines to show, on a failure. */
export const benchProcesses = new Set();

/** Linux's clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const CLK_TCK = 100;

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
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
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
  return { url: `nats://${HOST}:${port}`, stop: async () => (await proc.stop(), await rm(dir, { recursive: true, force: true })) };
}
