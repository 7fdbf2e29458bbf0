#!/usr/bin/env node
// Auth throughput benchmark. Starts its own stack from dist/ as separate processes (like
// `npm start`): auth-service, every other back-end the built gateway's /health/ready waits for,
// and a gateway on a free port. Registers one user, then drives the gateway with autocannon:
//   me     GET  /api/auth/me     (gateway JWT check + rate limit + NATS hop + auth-service + PostgreSQL)
//   login  POST /api/auth/login  (the same path, plus a bcrypt compare, a refresh session and an outbox event)
//   health GET  /health          (the gateway alone: no NATS, no Redis, no auth)
//
// Usage: npm run bench                                   (builds first)
//        node bench/auth.bench.mjs [--bcrypt-rounds N]   (needs an up-to-date `npm run build`)
// Env:   BCRYPT_ROUNDS (default 12; --bcrypt-rounds wins), BENCH_DURATION seconds (default 10),
//        BENCH_WARMUP seconds (default 2), BENCH_CONNECTIONS (default 50),
//        BENCH_NATS=private|shared (default private when a nats-server binary is found).
// Only 127.0.0.1: PostgreSQL :5432 (database taskflow_bench), Redis :6379, and NATS: a private
// nats-server with JetStream on a free port (so no other stack on this machine shares our NATS
// queue groups or JetStream streams), or the shared :4222. MongoDB, when a started service
// needs it: :27017 if something listens there (database taskflow_bench), else the in-memory
// jongodb that `npm start` also falls back to. Everything started here is stopped at the end.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';
import { CLK_TCK, HOST, benchNatsOptions, cpuSnapshot, ensureDatabase, findOnPath, fmt, freePort, intSetting, poll, portOpen, privateNatsArgs, runBounded } from './lib.mjs';
import { AuthContract } from '#contracts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = 'taskflow_bench';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const REDIS_URL = `redis://${HOST}:6379`;
const SHARED_NATS_URL = `nats://${HOST}:4222`;
const JONGODB = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
/** Back-ends that store in MongoDB (they get MONGODB_URI). */
const NEEDS_MONGO = new Set(['events-service']);
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000; // then SIGKILL, and the bench fails
const SHUTDOWN_GRACE_MS = 5000; // the services' default: longer shutdowns are reported
const DRAIN_FAST_MS = 1000;
const DRAIN_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------- settings


const { values: args } = parseArgs({ options: { 'bcrypt-rounds': { type: 'string' } }, strict: true });
const settings = {
  bcryptRounds: intSetting('BCRYPT_ROUNDS', args['bcrypt-rounds'] ?? process.env.BCRYPT_ROUNDS, 12, 4, 15),
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 10, 1, 600),
  warmup: intSetting('BENCH_WARMUP', process.env.BENCH_WARMUP, 2, 0, 60),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 50, 1, 1000),
  nats: process.env.BENCH_NATS ?? 'auto',
};
if (!['auto', 'private', 'shared'].includes(settings.nats)) throw new Error(`BENCH_NATS must be private or shared, got "${settings.nats}"`);

// Whole-run bound: infrastructure and stack start-up, three scenarios (warm-up + measured +
// slack), the login drain, then stopping services and infrastructure.
const BUDGET_MS = STARTUP_TIMEOUT_MS * 3 + 3 * (settings.warmup + settings.duration + 20) * 1000 + DRAIN_TIMEOUT_MS + STOP_TIMEOUT_MS * 2;

// ---------------------------------------------------------------- child processes

/** Every process this run started, in start order; `infra` ones are stopped after the services. */
const processes = [];
let tempDir;

class Proc {
  constructor(name, command, commandArgs, { env, infra = false }) {
    this.name = name;
    this.infra = infra;
    this.lines = [];
    this.warnings = new Map(); // service log line (warn and above, LOG_LEVEL=warn) -> count
    this.child = spawn(command, commandArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
    this.child.once('error', (error) => this.lines.push(`spawn failed: ${error.message}`));
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        this.lines.push(line);
        if (this.infra) continue;
        let message = line;
        try {
          const parsed = JSON.parse(line);
          message = `[${parsed.level}] ${parsed.context ? `${parsed.context}: ` : ''}${parsed.msg ?? ''}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`;
        } catch {
          // not JSON: keep the raw line
        }
        this.warnings.set(message, (this.warnings.get(message) ?? 0) + 1);
      }
      if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    processes.push(this);
    console.log(`[bench] started ${name} (pid ${this.child.pid})`);
  }

  get running() {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM by PID, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
  async stop() {
    const started = Date.now();
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (this.running) {
          console.error(`[bench] ${this.name} (pid ${this.child.pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms; sending SIGKILL`);
          this.child.kill('SIGKILL');
        }
      }, STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    return { name: this.name, infra: this.infra, ...(this.child.pid === undefined ? { code: null, signal: null } : await this.exited), ms: Date.now() - started };
  }

  tail(n = 20) {
    return this.lines.slice(-n).join('\n');
  }
}

function startService(name, env) {
  return new Proc(name, process.execPath, [resolve(ROOT, `dist/${name}/src/main.js`)], { env });
}

/** Rejects as soon as any started process exits: a crash mid-run must fail the bench. */
function crashWatch() {
  return Promise.race(
    processes.map((proc) =>
      proc.exited.then(({ code, signal }) => {
        throw new Error(`${proc.name} exited (${signal ?? code}) unexpectedly:\n${proc.tail()}`);
      }),
    ),
  );
}

/** Services first (they drain into NATS/MongoDB), then the infrastructure this run started. */
async function stopAll() {
  const services = await Promise.all(processes.filter((p) => !p.infra).map((p) => p.stop()));
  const infra = await Promise.all(processes.filter((p) => p.infra).map((p) => p.stop()));
  return [...services, ...infra];
}

// ---------------------------------------------------------------- helpers






/** A private nats-server with the shipped configuration and JetStream (store in a temp dir), or the shared, unauthenticated one. */
async function startNats() {
  const binary = process.env.BENCH_NATS_SERVER ?? findOnPath('nats-server');
  if (settings.nats === 'shared' || (settings.nats === 'auto' && !binary)) {
    if (settings.nats === 'auto') console.log('[bench] no nats-server binary found: using the shared NATS on :4222');
    return { url: SHARED_NATS_URL, shared: true };
  }
  if (!binary) throw new Error('BENCH_NATS=private but no nats-server binary found (set BENCH_NATS_SERVER)');
  const port = await freePort();
  tempDir = await mkdtemp(join(os.tmpdir(), 'taskflow-bench-'));
  const nats = new Proc('nats-server', binary, privateNatsArgs(port, tempDir).args, { env: { PATH: process.env.PATH ?? '', ...privateNatsArgs(port, tempDir).env }, infra: true });
  await Promise.race([poll('nats-server', async () => (await portOpen(port)) || 'not listening', STARTUP_TIMEOUT_MS), crashWatch()]);
  return { url: `nats://${HOST}:${port}`, shared: false };
}

/** MongoDB on :27017 if something listens there, else the in-memory jongodb on a free port. */
async function startMongo() {
  if (await portOpen(27017)) return `mongodb://${HOST}:27017/${DATABASE}`;
  if (!existsSync(JONGODB)) throw new Error('no MongoDB on 127.0.0.1:27017 and no jongodb installed: events-service cannot become ready');
  const port = await freePort();
  const mongo = new Proc('jongodb', JONGODB, [`--host=${HOST}`, `--port=${port}`], { env: { PATH: process.env.PATH ?? '' }, infra: true });
  let uri;
  await Promise.race([
    poll(
      'jongodb',
      async () => {
        const match = /JONGODB_URI=(mongodb:\/\/\S+)/.exec(mongo.lines.join('\n'));
        if (!match) return 'no JONGODB_URI yet';
        uri = new URL(match[1]);
        return true;
      },
      STARTUP_TIMEOUT_MS,
    ),
    crashWatch(),
  ]);
  uri.pathname = `/${DATABASE}`;
  return uri.toString();
}

/**
 * The back-end services the built gateway's /health/ready pings (readiness is 503 until every
 * one answers): auth-service, plus whatever services the build has added since.
 */
async function backendServices() {
  const readiness = resolve(ROOT, 'dist/gateway/src/health/readiness.js');
  const targets = existsSync(readiness) ? (await import(pathToFileURL(readiness).href)).READINESS_TARGETS : [];
  const backends = targets.map((target) => ({ name: target.name, pingSubject: target.ping.subject }));
  if (!backends.some((b) => b.name === 'auth-service')) backends.unshift({ name: 'auth-service', pingSubject: AuthContract.ping.subject });
  return backends;
}

/** On a shared NATS, replicas of a service share one queue group: a foreign one would answer part of our requests. */
async function assertNoForeignServices(natsUrl, backends) {
  const nc = await connect(benchNatsOptions(natsUrl, 'taskflow-bench-probe'));
  const answering = [];
  try {
    for (const { name, pingSubject } of backends) {
      try {
        await nc.request(pingSubject, JSON.stringify({ pattern: pingSubject, data: {}, id: 'bench-probe' }), { timeout: 1000 });
        answering.push(name);
      } catch {
        // no responders (or no answer): nobody else serves this subject
      }
    }
  } finally {
    await nc.close();
  }
  if (answering.length > 0) {
    throw new Error(
      `${answering.join(', ')} already answer(s) on NATS ${natsUrl} (npm start or a test run?): they would share the queue group and skew the numbers. Stop them, or use BENCH_NATS=private.`,
    );
  }
}

/** One login at a time until one answers 200 quickly: auth-service has caught up with its backlog. */
async function drainAuthService(url, login) {
  const started = Date.now();
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    const t = Date.now();
    try {
      const response = await fetch(url, { method: login.method, headers: login.headers, body: login.body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 200 && Date.now() - t < DRAIN_FAST_MS) return { drained: true, ms: Date.now() - started };
    } catch {
      // a client-side timeout: still busy
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { drained: false, ms: Date.now() - started };
}

// ---------------------------------------------------------------- foreign CPU load (Linux /proc)

/** Servers this bench drives: their CPU is part of the measurement, not interference. */
const SERVING_COMMANDS = new Set(['postgres', 'redis-server']);

/** CPU seconds used during a run by processes that are neither this bench's nor the servers it drives. */
function foreignCpu(before, after) {
  const ours = new Set([process.pid, ...processes.map((p) => p.child.pid)]);
  const serving = natsInUse?.shared ? new Set([...SERVING_COMMANDS, 'nats-server']) : SERVING_COMMANDS;
  const rows = [];
  for (const [pid, now] of after) {
    if (ours.has(pid) || ours.has(now.ppid) || serving.has(now.comm)) continue;
    const seconds = (now.ticks - (before.get(pid)?.ticks ?? 0)) / CLK_TCK;
    if (seconds > 0) {
      let cmd = now.comm;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 80) || now.comm;
      } catch {
        // gone
      }
      rows.push({ pid, seconds, cmd });
    }
  }
  rows.sort((a, b) => b.seconds - a.seconds);
  return { total: rows.reduce((sum, row) => sum + row.seconds, 0), top: rows.slice(0, 3) };
}


// ---------------------------------------------------------------- main

let natsInUse;
let backendsInUse = [];

async function main() {
  const backends = await backendServices();
  backendsInUse = backends;
  for (const name of [...backends.map((b) => b.name), 'gateway']) {
    if (!existsSync(resolve(ROOT, `dist/${name}/src/main.js`))) throw new Error(`dist/${name}/src/main.js is missing: run npm run build`);
  }
  console.log(
    `[bench] cpus=${os.cpus().length} BCRYPT_ROUNDS=${settings.bcryptRounds} duration=${settings.duration}s warmup=${settings.warmup}s connections=${settings.connections}`,
  );

  await ensureDatabase(PG_URL, DATABASE);
  natsInUse = await startNats();
  console.log(`[bench] NATS: ${natsInUse.url}${natsInUse.shared ? ' (shared)' : ' (private, deploy/nats/nats-server.conf, JetStream in a temp dir)'}`);
  if (natsInUse.shared) await assertNoForeignServices(natsInUse.url, backends);
  const mongoUri = backends.some((b) => NEEDS_MONGO.has(b.name)) ? await startMongo() : undefined;
  if (mongoUri) console.log(`[bench] MongoDB: ${mongoUri}`);

  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  // Development defaults (no NODE_ENV=production); only what the bench needs is set. Built
  // from scratch (PATH only inherited), as libs/testing does, so the caller's shell cannot leak in.
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HEALTH_PORT: '0', // probe servers of NATS-only services on any free port: no clash with npm start
    NATS_URL: natsInUse.url,
    REDIS_URL,
    DATABASE_URL: `${PG_URL}/${DATABASE}`,
    ...(mongoUri ? { MONGODB_URI: mongoUri } : {}),
    RATE_LIMIT_MAX: '100000000',
    // One user signs in 50 at a time: the failed-login limiter reserves a slot per sign-in in
    // flight (issue 10), which would turn all but 5 into 429s.
    LOGIN_FAILURE_LIMIT: '100000000',
    BCRYPT_ROUNDS: String(settings.bcryptRounds),
    JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678', // 40 chars
  };

  for (const { name } of backends) startService(name, env);
  startService('gateway', env);
  const crashed = crashWatch();
  crashed.catch(() => {});
  const guard = (promise) => Promise.race([promise, crashed]);

  await guard(
    poll(
      'GET /health/ready = 200',
      async () => {
        const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(3000) });
        const text = await response.text();
        return response.status === 200 ? true : `HTTP ${response.status} ${text.slice(0, 200)}`;
      },
      STARTUP_TIMEOUT_MS,
    ),
  );
  console.log(`[bench] stack ready on ${baseUrl}`);
  for (const proc of processes) proc.warnings.clear(); // report what is logged under load, not during start-up

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

  const scenarios = [
    { name: 'me', method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${token}` } },
    { name: 'login', method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) },
    { name: 'health', method: 'GET', path: '/health' },
  ];
  // Each request once before measuring: a broken one would only bench errors.
  for (const s of scenarios) {
    const response = await guard(fetch(`${baseUrl}${s.path}`, { method: s.method, headers: s.headers, body: s.body, signal: AbortSignal.timeout(10_000) }));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${s.method} ${s.path} answered ${response.status} before the bench`);
  }

  // Run order: the gateway-alone baseline first, login last. The gateway gives up on a login
  // after NATS_REQUEST_TIMEOUT_MS (504), but auth-service still does the bcrypt work of every
  // request it received, so a saturated login run leaves CPU work behind it that would
  // otherwise be billed to the next scenario. Printed in the usual order below.
  const runOrder = ['health', 'me', 'login'].map((name) => scenarios.find((s) => s.name === name));
  const results = new Map();
  for (const s of runOrder) {
    const common = { url: `${baseUrl}${s.path}`, method: s.method, headers: s.headers, body: s.body, connections: settings.connections, timeout: 10 };
    process.stdout.write(`[bench] ${s.name}: `);
    if (settings.warmup > 0) {
      process.stdout.write(`warm-up ${settings.warmup}s… `);
      await guard(autocannon({ ...common, duration: settings.warmup }));
    }
    process.stdout.write(`measuring ${settings.duration}s… `);
    const before = cpuSnapshot();
    const result = await guard(autocannon({ ...common, duration: settings.duration }));
    result.foreign = foreignCpu(before, cpuSnapshot());
    console.log('done');
    results.set(s.name, result);
  }
  const login = scenarios.find((s) => s.name === 'login');
  const drain = await guard(drainAuthService(`${baseUrl}${login.path}`, login));

  // ------------------------------------------------------------ report
  const rows = [['scenario', 'req/s(avg)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors']];
  for (const { name } of scenarios) {
    const r = results.get(name);
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
  console.log(`os.cpus().length: ${os.cpus().length} (autocannon shares these cores with every service, PostgreSQL, Redis and NATS)`);

  // Interference: CPU time other processes (a build, tests, another bench) took from the 2 cores.
  const budget = os.cpus().length * settings.duration;
  console.log(
    `foreign CPU s (used during each measured run by processes other than this bench's and the servers it drives, out of ${budget} core-seconds): ${scenarios
      .map(({ name }) => `${name} ${fmt(results.get(name).foreign.total)}`)
      .join(', ')}`,
  );
  for (const { name } of scenarios) {
    const { total, top } = results.get(name).foreign;
    if (total > budget * 0.05) {
      console.log(`  WARNING: ${name} shared the machine (${fmt(total)} CPU s elsewhere, mostly ${top.map((t) => `${t.cmd} ${fmt(t.seconds)}s`).join('; ')}): its numbers are low`);
    }
  }

  // Non-2xx answers are a measurement, not a bench failure (each request was checked to answer
  // 200 once before measuring); they are broken down here, and req/s above counts them too.
  for (const { name } of scenarios) {
    const r = results.get(name);
    if (r.non2xx === 0 && r.errors === 0) continue;
    const codes = Object.entries(r.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ');
    console.log(`  ${name}: status codes ${codes}; errors=${r.errors} (timeouts=${r.timeouts}, resets=${r.resets})`);
    if (r['2xx'] === 0) console.log(`  WARNING: ${name} got no 2xx response while measured: its req/s and latencies describe failures only`);
  }
  if (drain.ms > 2000 || !drain.drained) {
    console.log(
      `  after the login run, a single login took ${fmt(drain.ms / 1000)} s to answer 200 in under ${DRAIN_FAST_MS} ms again${drain.drained ? '' : ' (gave up)'}: auth-service was still working off requests the gateway had already answered 504`,
    );
  }
  for (const proc of processes) {
    if (proc.warnings.size === 0) continue;
    console.log(`  ${proc.name} logged (warn and above) during the bench:`);
    for (const [message, count] of [...proc.warnings].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      console.log(`    ${count}× ${message.slice(0, 200)}`);
    }
  }
  // A token that worked before the run cannot turn 401 on its own: on a shared NATS, another
  // auth-service (other database or secret) joined the queue group and took part of the requests.
  const me401 = results.get('me').statusCodeStats['401']?.count ?? 0;
  if (me401 > 0) {
    throw new Error(
      `/api/auth/me answered 401 ${me401} times with a token that was valid${natsInUse.shared ? ': another auth-service probably shares the NATS queue group (npm start, a test run); use BENCH_NATS=private' : ''}. These numbers are not trustworthy.`,
    );
  }
}

// ---------------------------------------------------------------- run, bounded, always cleaning up

let finishing = false;
async function finish(code, error) {
  if (finishing) return;
  finishing = true;
  if (error) {
    console.error(`[bench] FAILED: ${error.stack ?? error}`);
    for (const proc of processes) {
      if (proc.lines.length > 0) console.error(`--- last output of ${proc.name}:\n${proc.tail(10)}`);
    }
  }
  for (const { name, infra, code: exitCode, signal, ms } of await stopAll()) {
    if (infra) {
      console.log(`[bench] ${name} stopped (${signal ?? exitCode})`);
      continue;
    }
    const clean = exitCode === 0;
    const slow = ms > SHUTDOWN_GRACE_MS ? ` — slower than SHUTDOWN_GRACE_MS=${SHUTDOWN_GRACE_MS}` : '';
    console.log(`[bench] ${name} stopped (${signal ?? exitCode}) ${ms} ms after SIGTERM${clean ? '' : ' — not a clean exit'}${slow}`);
    if (!clean && code === 0) code = 1;
  }
  if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  if (code === 0 && natsInUse?.shared) {
    // A foreign service that joined a queue group mid-run would have answered part of our requests.
    try {
      await assertNoForeignServices(natsInUse.url, backendsInUse);
    } catch (foreign) {
      console.log(`[bench] WARNING: ${foreign.message.split(' (')[0]} now; if they ran during the bench they shared the load and the numbers are not trustworthy`);
    }
  }
  process.exit(code);
}

runBounded(main, finish, BUDGET_MS);
