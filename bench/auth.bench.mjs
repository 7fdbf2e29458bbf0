#!/usr/bin/env node
// Auth throughput benchmark: starts its own auth-service + gateway from dist/ (as separate
// processes, like `npm start`), registers one user, then drives the gateway with autocannon:
//   me     GET  /api/auth/me     (bearer token: gateway JWT check + NATS hop + auth-service + PostgreSQL)
//   login  POST /api/auth/login  (same path, plus bcrypt compare and a refresh-session insert)
//   health GET  /health          (the gateway alone: no NATS, no Redis, no auth)
//
// Usage: npm run bench                         (builds first)
//        node bench/auth.bench.mjs [--bcrypt-rounds N]   (needs an up-to-date `npm run build`)
// Env:   BCRYPT_ROUNDS (default 12; --bcrypt-rounds wins), BENCH_DURATION seconds (default 10),
//        BENCH_CONNECTIONS (default 50), BENCH_WARMUP seconds (default 2).
// Talks only to 127.0.0.1: PostgreSQL :5432 (database taskflow_bench), Redis :6379, NATS :4222.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';
import { AuthContract } from '#contracts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const DATABASE = 'taskflow_bench';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const REDIS_URL = `redis://${HOST}:6379`;
const NATS_URL = `nats://${HOST}:4222`;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------- settings

function intSetting(name, raw, fallback, min, max) {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

const { values: args } = parseArgs({ options: { 'bcrypt-rounds': { type: 'string' } }, strict: true });
const settings = {
  bcryptRounds: intSetting('BCRYPT_ROUNDS', args['bcrypt-rounds'] ?? process.env.BCRYPT_ROUNDS, 12, 4, 15),
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 10, 1, 600),
  warmup: intSetting('BENCH_WARMUP', process.env.BENCH_WARMUP, 2, 0, 60),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 50, 1, 1000),
};

// Whole-run bound: start-up, three scenarios (warm-up + measured + slack), shutdown.
const BUDGET_MS = STARTUP_TIMEOUT_MS * 2 + 3 * (settings.warmup + settings.duration + 20) * 1000 + STOP_TIMEOUT_MS * 2;

// ---------------------------------------------------------------- child processes

const services = [];

class Service {
  constructor(name, env) {
    this.name = name;
    this.lines = [];
    this.warnings = new Map(); // message -> count, for whatever the service logs at warn+ (LOG_LEVEL=warn)
    this.child = spawn(process.execPath, [resolve(ROOT, `dist/${name}/src/main.js`)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolveExit) => this.child.once('exit', (code, signal) => resolveExit({ code, signal })));
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        this.lines.push(line);
        let message = line;
        try {
          const parsed = JSON.parse(line);
          message = `[${parsed.level}] ${parsed.msg ?? ''}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`;
        } catch {
          // not JSON: keep the raw line
        }
        this.warnings.set(message, (this.warnings.get(message) ?? 0) + 1);
      }
      if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM by PID, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
  async stop() {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) {
        console.error(`[bench] ${this.name} (pid ${this.child.pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms; sending SIGKILL`);
        this.child.kill('SIGKILL');
      }
    }, STOP_TIMEOUT_MS);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  tail(n = 20) {
    return this.lines.slice(-n).join('\n');
  }
}

function startService(name, env) {
  const service = new Service(name, env);
  services.push(service);
  console.log(`[bench] started ${name} (pid ${service.child.pid})`);
  return service;
}

/** Rejects as soon as any started service exits: a crash mid-run must fail the bench. */
function crashWatch() {
  return Promise.race(
    services.map((service) =>
      service.exited.then(({ code, signal }) => {
        throw new Error(`${service.name} exited (${signal ?? code}) unexpectedly:\n${service.tail()}`);
      }),
    ),
  );
}

async function stopAll() {
  const results = await Promise.all(services.map(async (service) => ({ name: service.name, ...(await service.stop()) })));
  return results;
}

// ---------------------------------------------------------------- helpers

async function freePort() {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

async function ensureDatabase() {
  const client = new pg.Client({ connectionString: `${PG_URL}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${DATABASE}"`);
      console.log(`[bench] created database ${DATABASE}`);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** auth-service replicas share one NATS queue group: a foreign one would answer part of our requests. */
async function assertNoForeignAuthService() {
  const nc = await connect({ servers: NATS_URL, name: 'taskflow-bench-probe' });
  try {
    const subject = AuthContract.ping.subject;
    await nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: 'bench-probe' }), { timeout: 1000 });
  } catch {
    return; // no responders (or no answer): nobody else serves auth.* on this NATS
  } finally {
    await nc.close();
  }
  throw new Error(
    'another auth-service already answers on NATS 127.0.0.1:4222 (npm start or a test run?); it would share the queue group and skew the numbers. Stop it first.',
  );
}

async function poll(what, probe, timeoutMs) {
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

function runAutocannon(options) {
  const instance = autocannon({ timeout: 10, ...options });
  return instance; // a promise (no callback given) that also carries .stop()
}

function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

// ---------------------------------------------------------------- main

async function main() {
  for (const name of ['auth-service', 'gateway']) {
    if (!existsSync(resolve(ROOT, `dist/${name}/src/main.js`))) throw new Error(`dist/${name}/src/main.js is missing: run npm run build`);
  }
  console.log(
    `[bench] cpus=${os.cpus().length} BCRYPT_ROUNDS=${settings.bcryptRounds} duration=${settings.duration}s warmup=${settings.warmup}s connections=${settings.connections}`,
  );

  await ensureDatabase();
  await assertNoForeignAuthService();

  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  // Development defaults (no NODE_ENV=production), only what the bench needs set explicitly.
  // The environment is built from scratch (PATH only inherited), as libs/testing does.
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    NATS_URL,
    REDIS_URL,
    DATABASE_URL: `${PG_URL}/${DATABASE}`,
    RATE_LIMIT_MAX: '100000000',
    BCRYPT_ROUNDS: String(settings.bcryptRounds),
    JWT_ACCESS_SECRET: 'bench-access-secret-0123456789-0123456789', // 40 chars
    JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678', // 40 chars
  };

  startService('auth-service', env);
  startService('gateway', env);
  const crashed = crashWatch();
  crashed.catch(() => {});
  const guard = (promise) => Promise.race([promise, crashed]);

  await guard(
    poll(
      'GET /health/ready = 200',
      async () => {
        const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3000) });
        await response.arrayBuffer();
        return response.status === 200 ? true : `HTTP ${response.status}`;
      },
      STARTUP_TIMEOUT_MS,
    ),
  );
  console.log(`[bench] stack ready on ${baseUrl}`);

  const credentials = { email: `bench-${randomUUID().slice(0, 8)}@example.test`, password: 'bench-password-0123' };
  const registered = await guard(
    fetch(`${baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credentials, name: 'Bench User' }),
      signal: AbortSignal.timeout(10_000),
    }),
  );
  const registeredBody = await registered.json().catch(() => ({}));
  if (registered.status !== 201 || !registeredBody.accessToken) {
    throw new Error(`register failed: HTTP ${registered.status} ${JSON.stringify(registeredBody)}`);
  }
  const token = registeredBody.accessToken;

  // Sanity check every scenario once before measuring: a broken request would bench errors.
  const scenarios = [
    { name: 'me', method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${token}` } },
    {
      name: 'login',
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    },
    { name: 'health', method: 'GET', path: '/health' },
  ];
  for (const s of scenarios) {
    const response = await guard(fetch(`${baseUrl}${s.path}`, { method: s.method, headers: s.headers, body: s.body, signal: AbortSignal.timeout(10_000) }));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${s.method} ${s.path} answered ${response.status} before the bench`);
  }

  const results = new Map();
  for (const s of scenarios) {
    const common = { url: `${baseUrl}${s.path}`, method: s.method, headers: s.headers, body: s.body, connections: settings.connections };
    if (settings.warmup > 0) {
      process.stdout.write(`[bench] ${s.name}: warm-up ${settings.warmup}s… `);
      await guard(runAutocannon({ ...common, duration: settings.warmup }));
    }
    process.stdout.write(`measuring ${settings.duration}s… `);
    const result = await guard(runAutocannon({ ...common, duration: settings.duration }));
    console.log('done');
    results.set(s.name, result);
  }

  // ------------------------------------------------------------ report
  const rows = [['scenario', 'req/s(avg)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors']];
  for (const [name, r] of results) {
    rows.push([name, fmt(r.requests.average), fmt(r.latency.p50, 0), fmt(r.latency.p99, 0), String(r.non2xx), String(r.errors)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  console.log(
    `TaskFlow auth bench: cpus=${os.cpus().length}, BCRYPT_ROUNDS=${settings.bcryptRounds}, connections=${settings.connections}, duration=${settings.duration}s (+${settings.warmup}s warm-up), node ${process.version}`,
  );
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));

  const me = results.get('me').requests.average;
  const health = results.get('health').requests.average;
  console.log(`ratio me/health req/s: ${fmt(me / health, 3)} (the NATS hop + auth-service + PostgreSQL leave ${fmt((me / health) * 100)}% of the gateway-alone rate)`);
  console.log(`os.cpus().length: ${os.cpus().length} (autocannon shares these cores with both services, PostgreSQL, Redis and NATS)`);

  let problems = 0;
  for (const [name, r] of results) {
    const codes = Object.entries(r.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ');
    if (r.non2xx > 0 || r.errors > 0) {
      console.log(`  ${name}: status codes ${codes}; errors=${r.errors} (timeouts=${r.timeouts}, resets=${r.resets})`);
    }
    if (r['2xx'] === 0) {
      console.error(`[bench] ${name}: no successful response at all`);
      problems++;
    }
  }
  for (const service of services) {
    if (service.warnings.size === 0) continue;
    console.log(`  ${service.name} logged (warn and above):`);
    for (const [message, count] of [...service.warnings].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      console.log(`    ${count}× ${message.slice(0, 200)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- run, bounded, always cleaning up

let finishing = false;
async function finish(code, error) {
  if (finishing) return;
  finishing = true;
  if (error) console.error(`[bench] FAILED: ${error.stack ?? error}`);
  const stopped = await stopAll();
  for (const { name, code: exitCode, signal } of stopped) {
    const clean = exitCode === 0;
    console.log(`[bench] ${name} stopped (${signal ?? exitCode})${clean ? '' : ' — not a clean exit'}`);
    if (!clean && code === 0) code = 1;
  }
  process.exit(code);
}

const watchdog = setTimeout(() => void finish(1, new Error(`bench exceeded its ${BUDGET_MS} ms budget`)), BUDGET_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void finish(130, new Error(`interrupted by ${signal}`)));

main().then(
  (problems) => finish(problems > 0 ? 1 : 0),
  (error) => finish(1, error),
);
