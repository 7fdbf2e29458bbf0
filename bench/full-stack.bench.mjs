#!/usr/bin/env node
// Full stack: CPU per create (issue 12: "full stack ≤ 4 CPU-ms per create excluding the MongoDB
// stand-in"). Starts, from a build's dist/, the five services as separate processes (the
// services' Node flags), a private nats-server (shipped configuration), a private redis-server
// (its CPU is then this bench's alone), a fresh in-memory jongodb, and uses the machine's
// PostgreSQL (database BENCH_DATABASE, created if missing). Registers BENCH_USERS users and
// connects BENCH_SOCKETS_PER_USER Socket.IO clients for each through the gateway (its
// /socket.io proxy to realtime-service), so realtime-service does its real fan-out.
//
// Then POST /api/tasks at a fixed offered rate (autocannon overallRate, the users' tokens spread
// over the connections): a warm-up, a drain, and the measured run, after which it waits until
// the pipeline is drained: every socket has a task:created for every 201 of its user, the outbox
// is empty, and events-service counts every event as processed (events_processed_total,
// outcome "new"). CPU (utime + stime, /proc/<pid>/stat) is read just before the measured run
// and at the drained point, and divided by the creates answered 201:
//   - per service and the five together;
//   - + infra: the PostgreSQL backends connected to the bench's database (pg_stat_activity; the
//     server's background processes serve every database on the machine: printed, not
//     counted), the private redis-server and nats-server;
//   - jongodb apart (excluded from the target: its cost per write grows with its collections).
// Then the five services stop and bench/monolith-baseline.mjs (one process: the same insert,
// outbox row and cache counters, no NATS) runs at the same offered rate for the same time with
// the same tokens: the ratio of the two in the same run is the figure to compare across runs.
// Every socket must get each of its events exactly once (checked; a mismatch fails the bench).
//
// Usage: npm run bench:full-stack            (builds first)
//        node bench/full-stack.bench.mjs     (needs an up-to-date build)
// Env:   BENCH_RATE creates/s offered (150), BENCH_DURATION s (10), BENCH_WARMUP s (3),
//        BENCH_CONNECTIONS (30), BENCH_USERS (4), BENCH_SOCKETS_PER_USER (2),
//        BENCH_IDLE_S (5: the stack's CPU with no load, measured after the warm-up; 0: skip),
//        BENCH_DRAIN_TIMEOUT_S (120), BENCH_DATABASE (taskflow_bench_fs; with BENCH_DIST_ROOT
//        another checkout's, taskflow_bench_fs_<its folder name>: the builds' schemas may differ),
//        BENCH_DIST_ROOT (a checkout whose dist/ services run; default this one),
//        BENCH_SERVICE_FLAGS=none (Node's defaults instead of the services' flags).
// Needs nats-server and redis-server on PATH (or BENCH_NATS_SERVER, BENCH_REDIS_SERVER),
// PostgreSQL on 127.0.0.1:5432 and the jongodb binary from node_modules. Everything started is
// stopped at the end, also on failure (then the exit code is non-zero).
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  BenchProcess,
  HOST,
  benchProcesses,
  connected,
  cpuSnapshot,
  CLK_TCK,
  deleteMonolithOutboxRows,
  ensureDatabase,
  fmt,
  freePort,
  intSetting,
  metricTotal,
  natsAs,
  poll,
  procCpuMs,
  realtimeClient,
  registerUser,
  runBounded,
  serviceNodeFlags,
  startJongodb,
  startPrivateNats,
  startPrivateRedis,
} from './lib.mjs';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import { TASK_EVENTS_STREAM } from '#contracts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_ROOT = resolve(process.env.BENCH_DIST_ROOT ?? ROOT);
const DATABASE = process.env.BENCH_DATABASE ?? (DIST_ROOT === ROOT ? 'taskflow_bench_fs' : `taskflow_bench_fs_${basename(DIST_ROOT).replace(/[^a-zA-Z0-9_]/g, '_')}`);
const PG_URL = `postgres://postgres@${HOST}:5432`;
const DATABASE_URL = `${PG_URL}/${DATABASE}`;
const MONOLITH = resolve(ROOT, 'bench/monolith-baseline.mjs');
const SERVICES = ['auth-service', 'tasks-service', 'events-service', 'realtime-service', 'gateway'];
const STARTUP_MS = 120_000;
const CREATE_BODY = JSON.stringify({ title: 'Full-stack bench task', description: 'Created by bench/full-stack.bench.mjs', priority: 'high' });

const settings = {
  rate: intSetting('BENCH_RATE', process.env.BENCH_RATE, 150, 1, 10_000),
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 10, 1, 600),
  warmup: intSetting('BENCH_WARMUP', process.env.BENCH_WARMUP, 3, 1, 60),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 30, 1, 1000),
  users: intSetting('BENCH_USERS', process.env.BENCH_USERS, 4, 1, 1000),
  socketsPerUser: intSetting('BENCH_SOCKETS_PER_USER', process.env.BENCH_SOCKETS_PER_USER, 2, 0, 100),
  idleS: intSetting('BENCH_IDLE_S', process.env.BENCH_IDLE_S, 5, 0, 600),
  drainTimeoutS: intSetting('BENCH_DRAIN_TIMEOUT_S', process.env.BENCH_DRAIN_TIMEOUT_S, 120, 5, 3600),
};
// Start-ups, warm-ups and drains of both phases, measured runs, stops.
const BUDGET_MS = STARTUP_MS * 2 + 2 * (settings.warmup + settings.duration) * 1000 + 2 * settings.drainTimeoutS * 1000 + 120_000;

// ---------------------------------------------------------------- processes

/** Rejects when a service exits before the bench stopped it: a crash fails the bench at once. */
let stopping = false;
/** The servers' stops (they also remove their stores), run after the services have stopped. */
const serverStops = [];
let reportCrash;
const crashed = new Promise((_, reject) => (reportCrash = reject));
crashed.catch(() => {});
const guard = (promise) => Promise.race([promise, crashed]);

function startService(name, env) {
  const proc = new BenchProcess(name, process.execPath, [...serviceNodeFlags(), resolve(DIST_ROOT, `dist/${name}/src/main.js`)], env, DIST_ROOT);
  proc.exited.then((outcome) => stopping || reportCrash(new Error(`${name} exited (${outcome}) unexpectedly:\n${proc.lines.slice(-15).join('\n')}`)));
  return proc;
}

async function waitForReady(what, url) {
  await guard(poll(what, async () => (await fetch(url, { signal: AbortSignal.timeout(3000) })).status === 200 || 'not 200', STARTUP_MS));
}

/**
 * realtime-service's consumer delivers only events published after it exists, and both
 * services create theirs once tasks-service has made the stream (retrying until then), which
 * can be after /health/ready: a create before that would never reach the sockets. Each durable
 * is looked at with its own service's credentials (only its owner may).
 */
async function waitForConsumers(natsUrl) {
  for (const service of ['realtime-service', 'events-service']) {
    const nc = await natsAs(natsUrl, service, 'bench-full-stack');
    try {
      const jsm = await jetstreamManager(nc);
      await guard(poll(`the ${service} consumer on ${TASK_EVENTS_STREAM}`, async () => !!(await jsm.consumers.info(TASK_EVENTS_STREAM, service)), STARTUP_MS));
    } finally {
      await nc.close();
    }
  }
}

// ---------------------------------------------------------------- PostgreSQL's share

/** The bench's own PostgreSQL backend (its polls): neither the stack's cost nor interference. */
let monitorPid;

/**
 * CPU of the PostgreSQL processes a phase is charged: the backends connected to the bench's
 * database (the services' pools; not `monitor`'s own), sampled every 200 ms so that a backend
 * that exits during the window (pg-pool closes a connection idle for 10 s: during a long drain,
 * most of them) keeps what it used up to its last sample. The server's background processes
 * serve every database on the machine: reported apart (`background`).
 */
class PostgresCpu {
  constructor(monitor) {
    this.monitor = monitor;
    this.ours = new Map(); // pid -> {first, last} CPU-ms
    this.background = new Map();
  }

  async sample(initial = false) {
    const { rows } = await this.monitor.query(`SELECT pid, datname FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (datname = $1 OR datname IS NULL)`, [DATABASE]);
    for (const { pid, datname } of rows) {
      const ms = procCpuMs(pid);
      if (ms === 0) continue; // gone meanwhile
      const map = datname === null ? this.background : this.ours;
      // A backend first seen after the start was born during the window: all its CPU counts.
      const entry = map.get(pid) ?? { first: initial ? ms : 0, last: ms };
      entry.last = ms;
      map.set(pid, entry);
    }
  }

  async start() {
    await this.sample(true);
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 200);
  }

  async stop() {
    clearInterval(this.timer);
    await this.sample();
    const sum = (map) => [...map.values()].reduce((total, e) => total + Math.max(0, e.last - e.first), 0);
    return { ours: sum(this.ours), background: sum(this.background), pids: [...this.ours.keys(), ...this.background.keys()] };
  }
}

/** CPU-ms so far of named processes; `machine`: every process, to tell the interference. */
async function cpuReading(procs, pgCpu) {
  if (pgCpu) await pgCpu.start();
  return { at: performance.now(), procs: new Map(procs.map((p) => [p.name, p.cpuMs()])), machine: cpuSnapshot() };
}

async function cpuDelta(before, after, ownPids, pgCpu) {
  const procs = new Map([...after.procs].map(([name, ms]) => [name, ms - (before.procs.get(name) ?? 0)]));
  const postgres = await pgCpu.stop();
  const mine = new Set([process.pid, monitorPid, ...ownPids, ...postgres.pids]);
  let foreignTicks = 0;
  for (const [pid, now] of after.machine) {
    if (mine.has(pid) || mine.has(now.ppid)) continue;
    foreignTicks += now.ticks - (before.machine.get(pid)?.ticks ?? 0);
  }
  return { procs, postgres: postgres.ours, pgBackground: postgres.background, foreignS: foreignTicks / CLK_TCK, seconds: (after.at - before.at) / 1000 };
}

// ---------------------------------------------------------------- load

/** Tasks each user owns, from the database: autocannon stops counting at the end of its duration, while requests it sent still get answered. */
async function tasksOwned(monitor, users) {
  const { rows } = await monitor.query('SELECT owner_id, count(*)::int AS n FROM tasks WHERE owner_id = ANY($1) GROUP BY owner_id', [users.map((u) => u.id)]);
  const counts = new Map(rows.map((r) => [r.owner_id, r.n]));
  return new Map(users.map((u) => [u, counts.get(u.id) ?? 0]));
}

/**
 * The offered load: POST at settings.rate for `seconds`, users' tokens round-robin over the
 * connections. `created`: the tasks each user got in the database meanwhile (every 201, also
 * those answered after autocannon stopped listening).
 */
async function offer(monitor, url, users, seconds) {
  let next = 0;
  const before = await tasksOwned(monitor, users);
  const run = autocannon({
    url,
    method: 'POST',
    body: CREATE_BODY,
    headers: { 'content-type': 'application/json' },
    connections: settings.connections,
    overallRate: settings.rate,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      const user = users[next++ % users.length];
      client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${user.token}` });
    },
  });
  const result = await guard(run);
  const endedAt = performance.now();
  // Requests still in flight when autocannon stopped: counted once the count holds for half a second.
  let created;
  let stableReads = 0;
  await guard(
    poll('the last creates to be answered', async () => {
      const now = await tasksOwned(monitor, users);
      const same = created && [...now].every(([u, n]) => created.get(u) === n - before.get(u));
      stableReads = same ? stableReads + 1 : 0;
      created = new Map([...now].map(([u, n]) => [u, n - before.get(u)]));
      return stableReads >= 5 || 'still counting';
    }, 20_000),
  );
  const recount = async () => new Map([...(await tasksOwned(monitor, users))].map(([u, n]) => [u, n - before.get(u)]));
  return { result, created, recount, endedAt, total: [...created.values()].reduce((a, b) => a + b, 0) };
}

// ---------------------------------------------------------------- main

async function main() {
  const startLoad = os.loadavg();
  console.log(`[bench] cpus=${os.cpus().length} load=${startLoad.map((l) => fmt(l, 2)).join(' ')} dist=${DIST_ROOT} database=${DATABASE} rate=${settings.rate}/s duration=${settings.duration}s warmup=${settings.warmup}s connections=${settings.connections} users=${settings.users}×${settings.socketsPerUser} sockets flags=${serviceNodeFlags().join(' ') || 'none'}`);
  for (const name of SERVICES) {
    if (!existsSync(resolve(DIST_ROOT, `dist/${name}/src/main.js`))) throw new Error(`${DIST_ROOT}/dist/${name}/src/main.js is missing: build that checkout first`);
  }
  await ensureDatabase(PG_URL, DATABASE);
  const [nats, redis, mongo] = [await startPrivateNats('taskflow-bench-fs-', STARTUP_MS), await startPrivateRedis(STARTUP_MS), await startJongodb('taskflow_bench_fs', STARTUP_MS)];
  serverStops.push(nats.stop, redis.stop, mongo.stop);
  const monitor = new pg.Client({ connectionString: DATABASE_URL });
  await monitor.connect();
  monitorPid = (await monitor.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  try {
    const [gatewayPort, realtimePort, eventsHealthPort] = [await freePort(), await freePort(), await freePort()];
    const baseUrl = `http://${HOST}:${gatewayPort}`;
    const metricsUrl = `http://${HOST}:${eventsHealthPort}/metrics`;
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HEALTH_PORT: '0',
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      DATABASE_URL,
      MONGODB_URI: mongo.url,
      RATE_LIMIT_MAX: '100000000',
      BCRYPT_ROUNDS: '4',
      JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678',
    };
    const own = {
      gateway: { PORT: String(gatewayPort), REALTIME_PROXY_URL: `http://${HOST}:${realtimePort}` },
      'realtime-service': { PORT: String(realtimePort) },
      'events-service': { HEALTH_PORT: String(eventsHealthPort) },
    };
    const services = SERVICES.map((name) => startService(name, { ...env, ...own[name] }));
    await waitForReady('gateway /health/ready', `${baseUrl}/health/ready`);
    await waitForReady('realtime-service /health/ready', `http://${HOST}:${realtimePort}/health/ready`);
    await waitForConsumers(nats.url);

    const users = [];
    for (let i = 0; i < settings.users; i += 1) users.push({ ...(await guard(registerUser(baseUrl, `fs${i}`))), sockets: [] });
    const sockets = [];
    for (const user of users) {
      for (let k = 0; k < settings.socketsPerUser; k += 1) {
        const s = { user, socket: realtimeClient(baseUrl, user.token), got: new Map() };
        s.socket.on('task:created', (payload) => s.got.set(payload?.eventId, (s.got.get(payload?.eventId) ?? 0) + 1));
        user.sockets.push(s);
        sockets.push(s);
      }
    }
    await guard(Promise.all(sockets.map((s) => connected(s.socket))));
    console.log(`[bench] stack ready on ${baseUrl}; ${users.length} users, ${sockets.length} sockets through the gateway`);

    const processedNew = async () => (await metricTotal(metricsUrl, 'events_processed_total', 'outcome="new"')) ?? 0;
    const unpublished = async () => (await monitor.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
    const received = (s) => [...s.got.values()].reduce((a, b) => a + b, 0);
    /** Sockets first (free to check), then the outbox, then events-service's counter (a /metrics scrape costs it CPU). */
    const drain = async (phase, processedBase) => {
      const deadline = Date.now() + settings.drainTimeoutS * 1000;
      const left = () => Math.max(1000, deadline - Date.now());
      for (;;) {
        await drainCounted(phase.created, processedBase + phase.total, left);
        // A create answered after the count settled would show up now: then wait for its events too.
        const again = await phase.recount();
        if ([...again].every(([u, n]) => phase.created.get(u) === n)) return;
        phase.created = again;
        phase.total = [...again.values()].reduce((a, b) => a + b, 0);
      }
    };
    const drainCounted = async (created, processedTarget, left) => {
      await guard(poll('every socket to get its task:created events', async () => sockets.every((s) => received(s) >= created.get(s.user)) || `${sockets.reduce((n, s) => n + received(s), 0)} of ${sockets.reduce((n, s) => n + created.get(s.user), 0)} deliveries`, left()));
      await guard(poll('the outbox to be empty', async () => (await unpublished()) === 0 || 'rows left', left()));
      await guard(poll('events-service to process every event', async () => (await processedNew()) >= processedTarget || `${await processedNew()} of ${processedTarget}`, left()));
    };
    /** Each socket got each of its user's events once and nothing else; then the counts start again. */
    const verifyAndReset = (created) => {
      for (const s of sockets) {
        const duplicated = [...s.got].filter(([, n]) => n > 1);
        if (duplicated.length > 0 || s.got.size !== created.get(s.user)) {
          throw new Error(`a socket of ${s.user.id} got ${s.got.size} distinct task:created events (${duplicated.length} more than once), expected ${created.get(s.user)}`);
        }
        s.got.clear();
      }
    };

    // Warm-up: the same load, then drained, so the measured run starts from an idle pipeline.
    process.stdout.write(`[bench] full stack: warm-up ${settings.warmup}s… `);
    let processedBefore = await processedNew();
    const warm = await offer(monitor, `${baseUrl}/api/tasks`, users, settings.warmup);
    if (warm.total === 0) throw new Error(`the warm-up got no 201 (status codes: ${JSON.stringify(warm.result.statusCodeStats)})`);
    await drain(warm, processedBefore);
    await new Promise((done) => setTimeout(done, 300)); // late duplicates would arrive here
    verifyAndReset(warm.created);

    // Idle: what the stack spends with no request (relay polls, heartbeats, timers), spread over every create of a run.
    const procs = [...services, nats.proc, redis.proc, mongo.proc];
    let idle;
    if (settings.idleS > 0) {
      process.stdout.write(`idle ${settings.idleS}s… `);
      const idlePg = new PostgresCpu(monitor);
      const idleBefore = await cpuReading(procs, idlePg);
      await new Promise((done) => setTimeout(done, settings.idleS * 1000));
      idle = await cpuDelta(idleBefore, await cpuReading(procs), procs.map((p) => p.child.pid), idlePg);
    }

    process.stdout.write(`measuring ${settings.duration}s… `);
    processedBefore = await processedNew();
    const pgCpu = new PostgresCpu(monitor);
    const before = await cpuReading(procs, pgCpu);
    const load = await offer(monitor, `${baseUrl}/api/tasks`, users, settings.duration);
    await drain(load, processedBefore);
    const after = await cpuReading(procs);
    const stack = await cpuDelta(before, after, procs.map((p) => p.child.pid), pgCpu);
    const drainMs = after.at - load.endedAt;
    console.log(`${load.total} created, drained ${fmt(drainMs / 1000, 2)} s after the load ended`);
    await new Promise((done) => setTimeout(done, 300));
    verifyAndReset(load.created);
    const redeliveries = await metricTotal(metricsUrl, 'events_redeliveries_total');

    for (const s of sockets) s.socket.disconnect();
    stopping = true;
    const exits = await Promise.all(services.map(async (p) => [p.name, await p.stop()]));
    const unclean = exits.filter(([, outcome]) => outcome !== 0);
    await nats.stop();
    await mongo.stop();

    // ------------------------------------------------------------ the monolith, same rate, same tokens
    const monolithPort = await freePort();
    const monolith = new BenchProcess('monolith-baseline', process.execPath, [MONOLITH], {
      PATH: process.env.PATH ?? '',
      PORT: String(monolithPort),
      HOST,
      DATABASE_URL,
      REDIS_URL: redis.url,
      JWT_PUBLIC_KEYS: JSON.stringify([publicHalf(DEVELOPMENT_SIGNING_KEY)]),
      PG_POOL_MAX: '20',
    }, ROOT);
    let mono;
    try {
      const monolithUrl = `http://${HOST}:${monolithPort}`;
      await poll('monolith /health', async () => (await fetch(`${monolithUrl}/health`)).status === 200 || 'not 200', STARTUP_MS);
      process.stdout.write(`[bench] monolith: warm-up ${settings.warmup}s… `);
      const monoWarm = await offer(monitor, `${monolithUrl}/tasks`, users, settings.warmup);
      if (monoWarm.total === 0) throw new Error(`the monolith's warm-up got no 201 (status codes: ${JSON.stringify(monoWarm.result.statusCodeStats)}): ${monolith.lines.slice(-5).join(' | ')}`);
      process.stdout.write(`measuring ${settings.duration}s… `);
      const monoProcs = [monolith, redis.proc];
      const monoPgCpu = new PostgresCpu(monitor);
      const monoBefore = await cpuReading(monoProcs, monoPgCpu);
      const monoLoad = await offer(monitor, `${monolithUrl}/tasks`, users, settings.duration);
      const monoAfter = await cpuReading(monoProcs);
      console.log(`${monoLoad.total} created`);
      mono = { load: monoLoad, cpu: await cpuDelta(monoBefore, monoAfter, monoProcs.map((p) => p.child.pid), monoPgCpu) };
    } finally {
      await monolith.stop();
      const removed = await deleteMonolithOutboxRows(DATABASE_URL);
      console.log(`[bench] removed the monolith's ${removed} outbox rows (never relayed)`);
    }

    report({ load, stack, idle, drainMs, redeliveries, mono, unclean, startLoad });
    if (unclean.length > 0) throw new Error(`not a clean exit on SIGTERM: ${unclean.map(([name, outcome]) => `${name} (${outcome})`).join(', ')}`);
  } finally {
    await monitor.end().catch(() => {});
  }
}

function report({ load, stack, idle, drainMs, redeliveries, mono, startLoad }) {
  const n = load.total;
  const per = (ms) => ms / n;
  const services = SERVICES.reduce((sum, name) => sum + stack.procs.get(name), 0);
  const infra = stack.postgres + stack.procs.get('redis-server') + stack.procs.get('nats-server');
  const m = mono.load.total;
  const monoProcess = mono.cpu.procs.get('monolith-baseline') / m;
  const monoInfra = (mono.cpu.procs.get('monolith-baseline') + mono.cpu.postgres + mono.cpu.procs.get('redis-server')) / m;
  const r = load.result;
  const rows = [
    ...SERVICES.map((name) => [name, per(stack.procs.get(name))]),
    ['five services', per(services)],
    ['  postgres (backends of this database)', per(stack.postgres)],
    ['  redis-server (private)', per(stack.procs.get('redis-server'))],
    ['  nats-server (private)', per(stack.procs.get('nats-server'))],
    ['five services + infra', per(services + infra)],
    ['jongodb (excluded)', per(stack.procs.get('jongodb'))],
    ['monolith process', monoProcess],
    ['monolith + postgres + redis', monoInfra],
  ];
  const endLoad = os.loadavg();
  console.log('');
  console.log(`Full stack, CPU-ms per create (${n} creates answered 201, ${r.requests.total} of them within autocannon's run, at ${settings.rate}/s offered for ${settings.duration} s; p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms; non-2xx ${r.non2xx}, errors ${r.errors})`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(40)} ${fmt(value, 3).padStart(8)}`);
  console.log(`  ratio to the monolith in this run: five services ${fmt(per(services) / monoProcess, 2)}x, with infra ${fmt(per(services + infra) / monoInfra, 2)}x`);
  console.log(`  target ≤ 4 CPU-ms per create with infra, excluding jongodb (issue 12; 7.3 when filed): ${per(services + infra) <= 4 ? 'met' : 'missed'}`);
  console.log(`  window: ${fmt(stack.seconds, 2)} s (load + drain ${fmt(drainMs / 1000, 2)} s); monolith ${m} creates, non-2xx ${mono.load.result.non2xx}`);
  console.log(`  PostgreSQL background processes (shared with every database here, not counted): ${fmt(stack.pgBackground / n, 3)} CPU-ms per create`);
  if (idle) {
    const idleServices = SERVICES.reduce((sum, name) => sum + idle.procs.get(name), 0) / idle.seconds;
    const idleInfra = idleServices + (idle.postgres + idle.procs.get('redis-server') + idle.procs.get('nats-server')) / idle.seconds;
    const rate = n / stack.seconds;
    console.log(
      `  idle stack (no load, ${fmt(idle.seconds, 1)} s): ${fmt(idleServices, 1)} CPU-ms/s five services (${SERVICES.map((name) => `${name} ${fmt(idle.procs.get(name) / idle.seconds, 1)}`).join(', ')}), ${fmt(idleInfra, 1)} with infra: at this run's ${fmt(rate, 0)} creates/s over its window, ${fmt(idleServices / rate, 3)} / ${fmt(idleInfra / rate, 3)} CPU-ms of each create's figures above`,
    );
  }
  console.log(`  events-service redeliveries: ${redeliveries ?? 'not counted by this build'}`);
  console.log(`  other processes on the machine used ${fmt(stack.foreignS)} CPU s during the window (${fmt((stack.foreignS / (stack.seconds * os.cpus().length)) * 100, 0)}% of ${os.cpus().length} cores), ${fmt(mono.cpu.foreignS)} s during the monolith's; load average ${startLoad.map((l) => fmt(l, 2)).join(' ')} at start, ${endLoad.map((l) => fmt(l, 2)).join(' ')} at end`);
  const summary = { dist: DIST_ROOT, created: n, perService: Object.fromEntries(SERVICES.map((name) => [name, +per(stack.procs.get(name)).toFixed(3)])), five: +per(services).toFixed(3), withInfra: +per(services + infra).toFixed(3), jongodb: +per(stack.procs.get('jongodb')).toFixed(3), monolith: +monoProcess.toFixed(3), monolithInfra: +monoInfra.toFixed(3), ratio: +(per(services) / monoProcess).toFixed(2), ratioInfra: +(per(services + infra) / monoInfra).toFixed(2), drainS: +(drainMs / 1000).toFixed(2), idleMsPerS: idle ? +((SERVICES.reduce((sum, name) => sum + idle.procs.get(name), 0) + idle.postgres + idle.procs.get('redis-server') + idle.procs.get('nats-server')) / idle.seconds).toFixed(1) : null, foreignPct: Math.round((stack.foreignS / (stack.seconds * os.cpus().length)) * 100), load1: +endLoad[0].toFixed(1) };
  console.log(`[bench] summary ${JSON.stringify(summary)}`);
}

// ---------------------------------------------------------------- run, bounded, always cleaning up

let finishing = false;
async function finish(code, error) {
  if (finishing) return;
  finishing = true;
  stopping = true;
  if (error) {
    console.error(`\n[bench] FAILED: ${error.stack ?? error}`);
    for (const p of benchProcesses) console.error(`--- ${p.name}\n${p.lines.slice(-10).join('\n')}`);
  }
  // Services before the servers they drain into.
  await Promise.all([...benchProcesses].filter((p) => SERVICES.includes(p.name) || p.name === 'monolith-baseline').map((p) => p.stop()));
  await Promise.all(serverStops.map((stop) => stop().catch(() => undefined)));
  await Promise.all([...benchProcesses].map((p) => p.stop()));
  if (code !== 0) await deleteMonolithOutboxRows(DATABASE_URL).catch(() => undefined);
  process.exit(code);
}

runBounded(main, finish, BUDGET_MS);
