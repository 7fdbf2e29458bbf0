#!/usr/bin/env node
// Tasks throughput benchmark. Starts its own processes from dist/ (like `npm start`):
// auth-service, tasks-service and a gateway on a free port, against the database
// taskflow_bench. Registers a reader (seeded with BENCH_SEED tasks) and a writer, then drives
// the gateway with autocannon:
//   get          GET  /api/tasks/:id         one seeded task of the reader
//   list-cached  GET  /api/tasks?limit=20    the same URL over and over: a Redis hit after the first
//   create       POST /api/tasks             task row + outbox row in one transaction, 2 Redis INCRs
//   monolith     POST /tasks                 bench/monolith-baseline.mjs: the same create work in ONE
//                                            Fastify process (no gateway, no NATS); run right after
//                                            `create`, with tasks-service stopped (see below)
//   list-cold    GET  /api/tasks?limit=20    the same URL, tasks-service restarted with REDIS_URL at a
//                                            dead port: it serves every list from PostgreSQL
//
// Readiness: events-service is NOT started. The gateway's /health/ready also pings
// events-service (gateway/src/health/readiness.ts), so it stays 503 here; instead the bench
// waits for the gateway's /health, a NATS ping answer from auth-service and tasks-service,
// and a successful POST /api/tasks. Leaving events-service (and jongodb) out keeps its
// JetStream consumer from competing for the CPU during the create runs; tasks-service's
// outbox relay still publishes every created task to JetStream, as in production.
//
// Order and fairness: after `create`, the bench waits until the relay has published every
// outbox row, then stops tasks-service (its relay would otherwise also publish the monolith's
// outbox rows, on the monolith's time), runs the monolith, deletes the monolith's outbox rows
// (never relayed; recognised by requestId 'bench-monolith-…'), and restarts tasks-service
// without Redis for `list-cold`.
//
// Usage: npm run bench:tasks                (builds first)
//        node bench/tasks.bench.mjs         (needs an up-to-date `npm run build`)
// Env:   BENCH_DURATION seconds (default 10), BENCH_WARMUP seconds (default 2),
//        BENCH_CONNECTIONS (default 50), BENCH_SEED tasks for the reader (default 500),
//        BENCH_NATS=private|shared (default private when a nats-server binary is found),
//        BENCH_CPU_PROF=<dir> (the services write V8 CPU profiles there; open in Chrome DevTools),
//        BENCH_NODE_FLAGS (extra node flags for the services, e.g. "--max-semi-space-size=16"),
//        BENCH_RATE requests/s offered in every scenario (default 0: as fast as possible).
// Only 127.0.0.1: PostgreSQL :5432 (database taskflow_bench), Redis :6379, and NATS (a
// private nats-server with JetStream on a free port, or the shared :4222). Everything started
// here is stopped with SIGTERM at the end, also on failure; the exit code is non-zero on failure.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import {
  CLK_TCK,
  HOST,
  MONOLITH_REQUEST_PREFIX,
  benchNatsOptions,
  cpuSnapshot,
  deleteMonolithOutboxRows as deleteMonolithRows,
  ensureDatabase,
  findOnPath,
  fmt,
  freePort,
  intSetting,
  poll,
  portOpen,
  privateNatsArgs,
  registerUser,
  runBounded,
  serviceNodeFlags,
  sqlOnce,
} from './lib.mjs';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import { AuthContract, TasksContract } from '#contracts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = 'taskflow_bench';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const DATABASE_URL = `${PG_URL}/${DATABASE}`;
const REDIS_URL = `redis://${HOST}:6379`;
const DEAD_REDIS_PORT = 6399;
const SHARED_NATS_URL = `nats://${HOST}:4222`;
const MONOLITH = resolve(ROOT, 'bench/monolith-baseline.mjs');
const SERVICES = ['auth-service', 'tasks-service', 'gateway'];
const PING = { 'auth-service': AuthContract.ping.subject, 'tasks-service': TasksContract.ping.subject };
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000; // then SIGKILL, and the bench fails
const SHUTDOWN_GRACE_MS = 5000; // the services' default: longer shutdowns are reported
const RELAY_DRAIN_TIMEOUT_MS = 120_000;
const CREATE_BODY = JSON.stringify({ title: 'Bench task', description: 'Created by bench/tasks.bench.mjs', priority: 'high' });

// ---------------------------------------------------------------- settings


const settings = {
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 10, 1, 600),
  warmup: intSetting('BENCH_WARMUP', process.env.BENCH_WARMUP, 2, 0, 60),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 50, 1, 1000),
  seed: intSetting('BENCH_SEED', process.env.BENCH_SEED, 500, 21, 100_000),
  rate: intSetting('BENCH_RATE', process.env.BENCH_RATE, 0, 0, 100_000),
  nats: process.env.BENCH_NATS ?? 'auto',
};
if (!['auto', 'private', 'shared'].includes(settings.nats)) throw new Error(`BENCH_NATS must be private or shared, got "${settings.nats}"`);

// Whole-run bound: start-ups (stack, monolith, tasks-service again), seeding, five scenarios
// (warm-up + measured + slack), the relay drain, then stopping everything.
const BUDGET_MS = STARTUP_TIMEOUT_MS * 5 + 5 * (settings.warmup + settings.duration + 20) * 1000 + RELAY_DRAIN_TIMEOUT_MS + STOP_TIMEOUT_MS * 3;

// ---------------------------------------------------------------- child processes

/** Every process this run started, in start order; `infra` ones are stopped after the services. */
const processes = [];
let tempDir;
/** Rejects as soon as a started process exits without having been asked to: a crash fails the bench. */
let reportCrash;
const crashed = new Promise((_, reject) => {
  reportCrash = reject;
});
crashed.catch(() => {});
const guard = (promise) => Promise.race([promise, crashed]);

class Proc {
  constructor(name, command, commandArgs, { env, infra = false }) {
    this.name = name;
    this.infra = infra;
    this.stopping = false;
    this.lines = [];
    this.warnings = new Map(); // service log line (warn and above, LOG_LEVEL=warn) -> count
    this.child = spawn(command, commandArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
    this.exited.then(({ code, signal }) => {
      if (!this.stopping) reportCrash(new Error(`${this.name} exited (${signal ?? code}) unexpectedly:\n${this.tail()}`));
    });
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
    this.stopping = true;
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
    const result = { name: this.name, infra: this.infra, ...(this.child.pid === undefined ? { code: null, signal: null } : await this.exited), ms: Date.now() - started };
    this.stopResult = result;
    return result;
  }

  tail(n = 20) {
    return this.lines.slice(-n).join('\n');
  }
}

/**
 * Node flags for every service (not the monolith): the services' own (BENCH_SERVICE_FLAGS=none:
 * Node's defaults), BENCH_NODE_FLAGS (e.g. a V8 heap setting to compare; a later V8 flag wins),
 * and with BENCH_CPU_PROF=<dir> a V8 CPU profile written there at exit.
 */
const PROFILE_ARGS = [
  ...serviceNodeFlags(),
  ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : []),
];

function startService(name, env, label = name) {
  return new Proc(label, process.execPath, [...PROFILE_ARGS, resolve(ROOT, `dist/${name}/src/main.js`)], { env });
}

/** Services first (they drain into NATS/PostgreSQL), then the infrastructure this run started. */
async function stopAll() {
  await Promise.all(processes.filter((p) => !p.infra).map((p) => p.stop()));
  await Promise.all(processes.filter((p) => p.infra).map((p) => p.stop()));
  return processes.map((p) => p.stopResult);
}

// ---------------------------------------------------------------- helpers






const sql = (text, params) => sqlOnce(DATABASE_URL, text, params);

/** A private nats-server with the shipped configuration and JetStream (store in a temp dir), or the shared, unauthenticated one. */
async function startNats() {
  const binary = process.env.BENCH_NATS_SERVER ?? findOnPath('nats-server');
  if (settings.nats === 'shared' || (settings.nats === 'auto' && !binary)) {
    if (settings.nats === 'auto') console.log('[bench] no nats-server binary found: using the shared NATS on :4222');
    return { url: SHARED_NATS_URL, shared: true };
  }
  if (!binary) throw new Error('BENCH_NATS=private but no nats-server binary found (set BENCH_NATS_SERVER)');
  const port = await freePort();
  tempDir = await mkdtemp(join(os.tmpdir(), 'taskflow-bench-tasks-'));
  new Proc('nats-server', binary, privateNatsArgs(port, tempDir).args, { env: { PATH: process.env.PATH ?? '', ...privateNatsArgs(port, tempDir).env }, infra: true });
  await guard(poll('nats-server', async () => (await portOpen(port)) || 'not listening', STARTUP_TIMEOUT_MS));
  return { url: `nats://${HOST}:${port}`, shared: false };
}

/** On a shared NATS, replicas of a service share one queue group: a foreign one would answer part of our requests. */
async function assertNoForeignServices(natsUrl) {
  const nc = await connect(benchNatsOptions(natsUrl, 'taskflow-bench-probe'));
  const answering = [];
  try {
    for (const [name, subject] of Object.entries(PING)) {
      try {
        await nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: 'bench-probe' }), { timeout: 1000 });
        answering.push(name);
      } catch {
        // no responders: nobody else serves this subject
      }
    }
  } finally {
    await nc.close();
  }
  if (answering.length > 0) {
    throw new Error(`${answering.join(', ')} already answer(s) on NATS ${natsUrl}: they would share the queue group and skew the numbers. Stop them, or use BENCH_NATS=private.`);
  }
}

/** As libs/testing's stack: a NATS-only service is up when it answers its ping. */
async function waitForPing(natsUrl, name) {
  const nc = await connect(benchNatsOptions(natsUrl, 'taskflow-bench-ping'));
  try {
    const subject = PING[name];
    await guard(poll(`${name} ping`, async () => !!(await nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: 'bench-ping' }), { timeout: 500 })), STARTUP_TIMEOUT_MS));
  } finally {
    await nc.close();
  }
}

async function request(url, { method = 'GET', headers = {}, body } = {}) {
  const response = await guard(fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) }));
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

const register = (baseUrl, label) => guard(registerUser(baseUrl, label));

/** Autocannon: warm-up, then the measured run. */
async function measure(label, options) {
  // BENCH_RATE: a fixed offered load, so CPU per request compares at equal throughput (it
  // falls as load rises: more requests share each socket write and wake-up).
  const common = { connections: settings.connections, timeout: 10, ...(settings.rate ? { overallRate: settings.rate } : {}), ...options };
  process.stdout.write(`[bench] ${label}: `);
  if (settings.warmup > 0) {
    process.stdout.write(`warm-up ${settings.warmup}s… `);
    await guard(autocannon({ ...common, duration: settings.warmup }));
  }
  process.stdout.write(`measuring ${settings.duration}s… `);
  const before = cpuSnapshot();
  const result = await guard(autocannon({ ...common, duration: settings.duration }));
  const after = cpuSnapshot();
  result.foreign = foreignCpu(before, after);
  result.cpuMsPerRequest = servingCpuMsPerRequest(before, after, result.requests.total);
  console.log(`done (${Math.round(result.requests.average)} req/s)`);
  return result;
}

async function expectStatus(what, url, init, expected) {
  const { status, text } = await request(url, init);
  if (status !== expected) throw new Error(`${what} answered ${status} (expected ${expected}) before the bench: ${text.slice(0, 300)}`);
}


async function unpublishedOutboxRows() {
  return (await sql('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
}

const deleteMonolithOutboxRows = () => deleteMonolithRows(DATABASE_URL);

// ---------------------------------------------------------------- foreign CPU load (Linux /proc)

/** Servers this bench drives: their CPU is part of the measurement, not interference. */
const SERVING_COMMANDS = new Set(['postgres', 'redis-server']);

/** Processes whose CPU is the request path's cost: the gateway and tasks-service, or the monolith. */
const REQUEST_PATH = new Set(['gateway', 'tasks-service', 'monolith-baseline']);

/**
 * CPU-ms per answered request during the run: `services` is the request path's own processes
 * (auth-service is idle then); `withInfra` adds PostgreSQL, Redis and this run's nats-server.
 * PostgreSQL and Redis are the machine's shared servers: other work on them counts too.
 */
function servingCpuMsPerRequest(before, after, requests) {
  const delta = (pid) => (after.has(pid) ? after.get(pid).ticks - (before.get(pid)?.ticks ?? 0) : 0);
  let services = 0;
  let infra = 0;
  for (const proc of processes) {
    const pid = proc.child.pid;
    if (pid === undefined) continue;
    if (REQUEST_PATH.has(proc.name.split(' ')[0])) services += delta(pid);
    else if (proc.infra) infra += delta(pid);
  }
  for (const [pid, now] of after) if (SERVING_COMMANDS.has(now.comm)) infra += delta(pid);
  const perRequest = (ticks) => (requests > 0 ? ((ticks / CLK_TCK) * 1000) / requests : NaN);
  return { services: perRequest(services), withInfra: perRequest(services + infra) };
}

/** CPU seconds used during a run by processes that are neither this bench's nor the servers it drives. */
function foreignCpu(before, after) {
  const ours = new Set([process.pid, ...processes.map((p) => p.child.pid)]);
  const rows = [];
  for (const [pid, now] of after) {
    if (ours.has(pid) || ours.has(now.ppid) || SERVING_COMMANDS.has(now.comm)) continue;
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
let monolithStarted = false;
let monolithCleaned = false;

async function main() {
  for (const name of SERVICES) {
    if (!existsSync(resolve(ROOT, `dist/${name}/src/main.js`))) throw new Error(`dist/${name}/src/main.js is missing: run npm run build`);
  }
  console.log(`[bench] cpus=${os.cpus().length} duration=${settings.duration}s warmup=${settings.warmup}s connections=${settings.connections} seed=${settings.seed}`);

  await ensureDatabase(PG_URL, DATABASE);
  natsInUse = await startNats();
  console.log(`[bench] NATS: ${natsInUse.url}${natsInUse.shared ? ' (shared)' : ' (private, deploy/nats/nats-server.conf, JetStream in a temp dir)'}`);
  if (natsInUse.shared) await assertNoForeignServices(natsInUse.url);

  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  // Development defaults; only what the bench needs is set. Built from scratch (PATH only
  // inherited), as libs/testing does, so the caller's shell cannot leak in.
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HEALTH_PORT: '0', // probe servers of NATS-only services on any free port: no clash with npm start
    NATS_URL: natsInUse.url,
    REDIS_URL,
    DATABASE_URL,
    RATE_LIMIT_MAX: '100000000',
    BCRYPT_ROUNDS: '4',
    JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678', // 40 chars
  };

  startService('auth-service', env);
  let tasksService = startService('tasks-service', env);
  startService('gateway', env);
  await Promise.all([
    waitForPing(natsInUse.url, 'auth-service'),
    waitForPing(natsInUse.url, 'tasks-service'),
    guard(poll('gateway GET /health = 200', async () => (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(3000) })).status === 200 || 'not 200', STARTUP_TIMEOUT_MS)),
  ]);
  const ready = await request(`${baseUrl}/health/ready`);
  console.log(`[bench] stack up on ${baseUrl} (/health/ready: ${ready.status}${ready.status === 200 ? '' : `, expected without events-service: ${ready.text.slice(0, 120)}`})`);

  // ------------------------------------------------------------ users and data
  const reader = await register(baseUrl, 'reader');
  const writer = await register(baseUrl, 'writer');
  const auth = (user) => ({ authorization: `Bearer ${user.token}` });
  const createInit = (user) => ({ method: 'POST', headers: { ...auth(user), 'content-type': 'application/json' }, body: CREATE_BODY });
  // The last readiness check: a create through gateway -> NATS -> tasks-service -> PostgreSQL.
  await expectStatus('POST /api/tasks', `${baseUrl}/api/tasks`, createInit(writer), 201);

  const seedStarted = Date.now();
  const seededIds = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < settings.seed) {
        const i = next++;
        const body = JSON.stringify({ title: `Seeded task ${i}`, description: `Seed ${i} of the tasks bench`, priority: ['low', 'medium', 'high', 'urgent'][i % 4], status: ['todo', 'in_progress', 'done'][i % 3] });
        const { status, json, text } = await request(`${baseUrl}/api/tasks`, { method: 'POST', headers: { ...auth(reader), 'content-type': 'application/json' }, body });
        if (status !== 201) throw new Error(`seeding task ${i} answered ${status}: ${text.slice(0, 300)}`);
        seededIds.push(json.id);
      }
    }),
  );
  console.log(`[bench] seeded ${seededIds.length} tasks for the reader in ${Date.now() - seedStarted} ms`);
  const taskId = seededIds[Math.floor(seededIds.length / 2)];
  const listUrl = `${baseUrl}/api/tasks?limit=20`;

  // Each request once before measuring (the list one also fills the cache).
  await expectStatus('GET /api/tasks/:id', `${baseUrl}/api/tasks/${taskId}`, { headers: auth(reader) }, 200);
  const firstPage = await request(listUrl, { headers: auth(reader) });
  if (firstPage.status !== 200 || firstPage.json?.items?.length !== 20) throw new Error(`GET /api/tasks?limit=20 answered ${firstPage.status} with ${firstPage.json?.items?.length} items`);
  for (const proc of processes) proc.warnings.clear(); // report what is logged under load, not during start-up

  // ------------------------------------------------------------ scenarios
  const results = new Map();
  results.set('get', await measure('get', { url: `${baseUrl}/api/tasks/${taskId}`, headers: auth(reader) }));

  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const cachedPages = async () => (await redis.keys(`tasks:list:member:${reader.id}:*`)).length;
  let pagesBefore;
  try {
    pagesBefore = await cachedPages();
    results.set('list-cached', await measure('list-cached', { url: listUrl, headers: auth(reader) }));
    const pagesAfter = await cachedPages();
    console.log(`[bench]   reader's cached list pages in Redis: ${pagesBefore} before the run, ${pagesAfter} after (unchanged: the run read one cached page)`);
  } finally {
    redis.disconnect();
  }

  results.set('create', await measure('create (gateway)', { url: `${baseUrl}/api/tasks`, ...createInit(writer) }));

  // The relay publishes the created tasks' outbox rows to JetStream during and after the run.
  const drainStarted = Date.now();
  const backlog = await unpublishedOutboxRows();
  await guard(poll('the outbox relay to publish every row', async () => (await unpublishedOutboxRows()) === 0 || 'rows left', RELAY_DRAIN_TIMEOUT_MS));
  const drainMs = Date.now() - drainStarted;
  console.log(`[bench]   outbox relay: ${backlog} rows unpublished when the create run ended, all published ${drainMs} ms later`);

  // Monolith: tasks-service stopped first, so its relay does not publish the monolith's rows on the monolith's time.
  await tasksService.stop();
  const monolithPort = await freePort();
  const monolith = new Proc('monolith-baseline', process.execPath, [MONOLITH], {
    env: { PATH: process.env.PATH ?? '', PORT: String(monolithPort), HOST, DATABASE_URL, REDIS_URL, JWT_PUBLIC_KEYS: JSON.stringify([publicHalf(DEVELOPMENT_SIGNING_KEY)]), PG_POOL_MAX: '20' },
  });
  monolithStarted = true;
  const monolithUrl = `http://${HOST}:${monolithPort}`;
  await guard(poll('monolith GET /health = 200', async () => (await fetch(`${monolithUrl}/health`, { signal: AbortSignal.timeout(3000) })).status === 200 || 'not 200', STARTUP_TIMEOUT_MS));
  await expectStatus('monolith POST /tasks', `${monolithUrl}/tasks`, createInit(writer), 201);
  monolith.warnings.clear(); // its start-up line
  await expectStatus('monolith POST /tasks (bad token)', `${monolithUrl}/tasks`, { ...createInit(writer), headers: { authorization: 'Bearer nope', 'content-type': 'application/json' } }, 401);
  await expectStatus('monolith POST /tasks (empty title)', `${monolithUrl}/tasks`, { ...createInit(writer), body: '{"title":"  "}' }, 400);
  results.set('monolith', await measure('create (monolith)', { url: `${monolithUrl}/tasks`, ...createInit(writer) }));
  await monolith.stop();
  const monolithRows = (await sql(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND payload->>'requestId' LIKE $1`, [`${MONOLITH_REQUEST_PREFIX}%`]))[0].n;
  const removed = await deleteMonolithOutboxRows();
  monolithCleaned = true;
  console.log(`[bench]   monolith wrote ${monolithRows} outbox rows in its transactions; removed ${removed} (never relayed)`);

  // Cold lists: tasks-service again, its Redis at a dead port, so it serves every list uncached.
  const deadPort = (await portOpen(DEAD_REDIS_PORT)) ? await freePort() : DEAD_REDIS_PORT;
  tasksService = startService('tasks-service', { ...env, REDIS_URL: `redis://${HOST}:${deadPort}` }, 'tasks-service (no Redis)');
  await waitForPing(natsInUse.url, 'tasks-service');
  const coldPage = await request(listUrl, { headers: auth(reader) });
  if (coldPage.status !== 200 || JSON.stringify(coldPage.json) !== JSON.stringify(firstPage.json)) {
    throw new Error(`the uncached list differs from the cached one (HTTP ${coldPage.status}): the scenarios would not be comparable`);
  }
  results.set('list-cold', await measure('list-cold', { url: listUrl, headers: auth(reader) }));

  // ------------------------------------------------------------ report
  const order = [
    ['create', 'create  POST /api/tasks (gateway→NATS→tasks-service)'],
    ['monolith', 'create  POST /tasks (monolith baseline)'],
    ['get', 'get     GET /api/tasks/:id'],
    ['list-cached', 'list    GET /api/tasks?limit=20 (Redis cache)'],
    ['list-cold', 'list    GET /api/tasks?limit=20 (no cache)'],
  ];
  const rows = [['scenario', 'req/s(avg)', 'p50 ms', 'p99 ms', 'CPU-ms/req', '+pg/redis/nats', 'non-2xx', 'errors', 'foreign CPU s']];
  for (const [key, label] of order) {
    const r = results.get(key);
    rows.push([label, fmt(r.requests.average), fmt(r.latency.p50, 0), fmt(r.latency.p99, 0), fmt(r.cpuMsPerRequest.services, 2), fmt(r.cpuMsPerRequest.withInfra, 2), String(r.non2xx), String(r.errors), fmt(r.foreign.total)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log('');
  console.log(`TaskFlow tasks bench: cpus=${os.cpus().length}, connections=${settings.connections}, duration=${settings.duration}s (+${settings.warmup}s warm-up), seed=${settings.seed}${settings.rate ? `, rate=${settings.rate}/s` : ''}, node ${process.version}${PROFILE_ARGS.length ? `, service flags: ${PROFILE_ARGS.join(' ')}` : ''}`);
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  const rate = (key) => results.get(key).requests.average;
  const ratio = rate('create') / rate('monolith');
  console.log(`ratio microservices/monolith create req/s: ${fmt(ratio, 3)}x (reference to beat: 0.75x) — ${ratio >= 0.75 ? 'beats' : 'below'} the reference`);
  const cpu = (key, part) => results.get(key).cpuMsPerRequest[part];
  console.log(`CPU-ms per create, gateway+tasks-service: ${fmt(cpu('create', 'services'), 2)} (monolith ${fmt(cpu('monolith', 'services'), 2)}, ratio ${fmt(cpu('create', 'services') / cpu('monolith', 'services'), 2)}x)`);
  console.log(`CPU-ms per create, with PostgreSQL, Redis and NATS: ${fmt(cpu('create', 'withInfra'), 2)} (target ≤ 2.0; monolith ${fmt(cpu('monolith', 'withInfra'), 2)}, ratio ${fmt(cpu('create', 'withInfra') / cpu('monolith', 'withInfra'), 2)}x)`);
  console.log(`ratio cached/uncached list req/s: ${fmt(rate('list-cached') / rate('list-cold'), 2)}x`);
  console.log(`os.cpus().length: ${os.cpus().length} (autocannon shares these cores with every service, PostgreSQL, Redis and NATS)`);
  // Other work on this machine during a measured run takes cores from the bench: say so, with the culprits.
  const budget = settings.duration * os.cpus().length;
  console.log(`foreign CPU s: CPU time used during each measured run by processes other than this bench's and PostgreSQL/Redis (out of ${budget} core-seconds)`);
  for (const [key] of order) {
    const { total, top } = results.get(key).foreign;
    if (total / budget < 0.05) continue;
    console.log(`  WARNING: ${key}: other processes used ${fmt(total)} CPU s (${fmt((total / budget) * 100, 0)}% of the machine): ${top.map((row) => `${row.cmd} (pid ${row.pid}, ${fmt(row.seconds)} s)`).join('; ')} — its numbers are not trustworthy`);
  }

  // Non-2xx answers are a measurement, not a bench failure (each request answered as expected
  // once before measuring); they are broken down here, and req/s above counts them too.
  for (const [key] of order) {
    const r = results.get(key);
    if (r.non2xx === 0 && r.errors === 0) continue;
    const codes = Object.entries(r.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' ');
    console.log(`  ${key}: status codes ${codes}; errors=${r.errors} (timeouts=${r.timeouts}, resets=${r.resets})`);
    if (r['2xx'] === 0) console.log(`  WARNING: ${key} got no 2xx response while measured: its req/s and latencies describe failures only`);
  }
  for (const proc of processes) {
    if (proc.warnings.size === 0) continue;
    console.log(`  ${proc.name} logged (warn and above) during the bench:`);
    for (const [message, count] of [...proc.warnings].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      console.log(`    ${count}× ${message.slice(0, 200)}`);
    }
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
  if (monolithStarted && !monolithCleaned) await deleteMonolithOutboxRows().catch((e) => console.error(`[bench] could not remove the monolith's outbox rows: ${e.message}`));
  if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  process.exit(code);
}

runBounded(main, finish, BUDGET_MS);
