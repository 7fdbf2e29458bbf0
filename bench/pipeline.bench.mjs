#!/usr/bin/env node
// Event-pipeline benchmark (issue 12). Starts its own processes from dist/ and prints:
//
// 1. Relay vs create: auth-service, tasks-service and a gateway on a private nats-server,
//    database taskflow_bench_pipeline. A create burst (POST /api/tasks, BENCH_DURATION s at
//    BENCH_CONNECTIONS) gives the create throughput; the outbox is polled every 20 ms after the
//    last 201 to give "outbox empty N ms after the last 201". Then tasks-service is stopped,
//    BENCH_BACKLOG outbox rows (copies of a real event, one task each) are inserted, and
//    tasks-service is started again: the relay's throughput is rows / (last published_at -
//    first published_at). The ratio relay/create is the target (>= 2).
// 2. events-service ingest: a fresh private nats-server and a fresh in-memory jongodb per
//    round; BENCH_BACKLOG task events (two-user audience: one log entry and one notification
//    each) are published to TASK_EVENTS before events-service starts; round "0 logged" starts
//    from empty collections, round "N logged" after inserting N entries and N notifications
//    directly. events_processed_total on /metrics is polled every 200 ms: the rate from the
//    first to the last event, and per fifth of the backlog (the curve). A round that does not
//    finish within BENCH_INGEST_TIMEOUT_S reports the rate so far.
//
// Usage: npm run bench:pipeline            (builds first)
//        node bench/pipeline.bench.mjs     (needs an up-to-date build)
// Env:   BENCH_DURATION (20), BENCH_CONNECTIONS (50), BENCH_BACKLOG (20000),
//        BENCH_INGEST_TIMEOUT_S (180), BENCH_PART=all|relay|ingest,
//        BENCH_DIST_ROOT: a checkout whose dist/ services are run (default: this one), to
//        measure an older build with the same bench.
// Needs nats-server on PATH (or BENCH_NATS_SERVER), PostgreSQL on 127.0.0.1:5432 and the
// jongodb binary from node_modules. Everything started is stopped at the end, also on failure.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { BenchProcess, benchProcesses, HOST, ensureDatabase, fmt, freePort, intSetting, metricTotal, natsAs, poll, sqlOnce, startJongodb as startJongodbOn, startPrivateNats } from './lib.mjs';
import { TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX, TasksContract, EventsContract } from '#contracts';
import { eventStreamConfig } from '#outbox';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_ROOT = resolve(process.env.BENCH_DIST_ROOT ?? ROOT);
const DATABASE = 'taskflow_bench_pipeline';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const DATABASE_URL = `${PG_URL}/${DATABASE}`;
const STARTUP_MS = 60_000;

const settings = {
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 20, 1, 600),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 50, 1, 1000),
  backlog: intSetting('BENCH_BACKLOG', process.env.BENCH_BACKLOG, 20_000, 100, 1_000_000),
  ingestTimeoutS: intSetting('BENCH_INGEST_TIMEOUT_S', process.env.BENCH_INGEST_TIMEOUT_S, 180, 5, 3600),
  part: process.env.BENCH_PART ?? 'all',
};
if (!['all', 'relay', 'ingest'].includes(settings.part)) throw new Error(`BENCH_PART must be all, relay or ingest, got "${settings.part}"`);

// ---------------------------------------------------------------- processes

function service(name, env) {
  return new BenchProcess(name, process.execPath, [resolve(DIST_ROOT, `dist/${name}/src/main.js`)], env, DIST_ROOT);
}

function startNats() {
  return startPrivateNats('taskflow-bench-pipeline-', STARTUP_MS);
}

function startJongodb() {
  return startJongodbOn('taskflow_bench_pipeline', STARTUP_MS);
}

async function waitForPing(url, subject, timeoutMs = STARTUP_MS) {
  const nc = await natsAs(url, 'gateway', 'bench-pipeline');
  try {
    await poll(subject, async () => !!(await nc.request(subject, JSON.stringify({ pattern: subject, data: {}, id: 'bench' }), { timeout: 500 })), timeoutMs);
  } finally {
    await nc.close();
  }
}

const sql = (text, params) => sqlOnce(DATABASE_URL, text, params);

function baseEnv(natsUrl) {
  return { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', HEALTH_PORT: '0', NATS_URL: natsUrl, DATABASE_URL, REDIS_URL: `redis://${HOST}:6379`, RATE_LIMIT_MAX: '100000000', BCRYPT_ROUNDS: '4' };
}

// ---------------------------------------------------------------- 1. relay vs create

async function relayPart() {
  await ensureDatabase(PG_URL, DATABASE);
  const nats = await startNats();
  try {
    const port = await freePort();
    const env = { ...baseEnv(nats.url), PORT: String(port), JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678' };
    service('auth-service', env);
    let tasks = service('tasks-service', env);
    const gateway = service('gateway', env);
    const baseUrl = `http://${HOST}:${port}`;
    await Promise.all([
      waitForPing(nats.url, TasksContract.ping.subject),
      poll('gateway /health', async () => (await fetch(`${baseUrl}/health`)).status === 200 || 'not 200', STARTUP_MS),
    ]);
    const credentials = { email: `bench-pipeline-${randomUUID().slice(0, 8)}@example.test`, password: 'bench-password-0123', name: 'Bench' };
    let accessToken;
    await poll('register', async () => {
      const response = await fetch(`${baseUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
      if (response.status !== 201) return `${response.status}`;
      accessToken = (await response.json()).accessToken;
      return true;
    }, STARTUP_MS);
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ title: 'Pipeline bench task', description: 'bench/pipeline.bench.mjs', priority: 'high' });
    await poll('first create', async () => {
      const response = await fetch(`${baseUrl}/api/tasks`, { method: 'POST', headers, body });
      return response.status === 201 || `${response.status} ${(await response.text()).slice(0, 200)}`;
    }, STARTUP_MS);
    await poll('outbox empty before the burst', async () => (await unpublished()) === 0 || 'rows left', 60_000);
    const [{ max_id: beforeBurst }] = await sql('SELECT coalesce(max(id), 0)::bigint AS max_id FROM outbox');

    process.stdout.write(`[bench] create burst ${settings.duration}s at ${settings.connections} connections… `);
    let lastCreated = 0;
    let maxBacklog = 0;
    const sampler = setInterval(() => unpublished().then((n) => (maxBacklog = Math.max(maxBacklog, n)), () => undefined), 500);
    const run = autocannon({ url: `${baseUrl}/api/tasks`, method: 'POST', headers, body, connections: settings.connections, duration: settings.duration, timeout: 10 });
    run.on('response', (_client, status) => {
      if (status === 201) lastCreated = Date.now();
    });
    const result = await run;
    clearInterval(sampler);
    const created = result['2xx'];
    const createRate = created / settings.duration;
    console.log(`${created} created`);
    let emptyAt;
    await poll('outbox empty after the burst', async () => {
      if ((await unpublished()) > 0) return 'rows left';
      emptyAt = Date.now();
      return true;
    }, 300_000);
    const lagMs = Math.max(0, emptyAt - lastCreated);
    // The relay stamps published_at in its batch's transaction: the last one, against the last 201 (one machine, one clock).
    const [{ last_published: lastPublished }] = await sql('SELECT extract(epoch FROM max(published_at)) * 1000 AS last_published FROM outbox WHERE id > $1', [beforeBurst]);
    const publishedLagMs = Math.round(Number(lastPublished) - lastCreated);

    // Relay alone: a backlog of rows (each its own task, as a burst of creates is) published by a fresh relay.
    await tasks.stop();
    const [{ max_id: maxId }] = await sql('SELECT coalesce(max(id), 0)::bigint AS max_id FROM outbox');
    const [{ payload }] = await sql('SELECT payload FROM outbox ORDER BY id DESC LIMIT 1');
    await sql(
      `INSERT INTO outbox (event_id, subject, payload)
       SELECT id, 'tasks.events.created', jsonb_set(jsonb_set($1::jsonb, '{eventId}', to_jsonb(id::text)), '{taskId}', to_jsonb(gen_random_uuid()::text))
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $2::int)) AS rows`,
      [JSON.stringify(payload), settings.backlog],
    );
    process.stdout.write(`[bench] relay backlog of ${settings.backlog} rows… `);
    tasks = service('tasks-service', env);
    await poll('backlog published', async () => (await unpublished()) === 0 || 'rows left', 600_000);
    const [span] = await sql(`SELECT count(*)::int AS n, extract(epoch FROM max(published_at) - min(published_at)) AS seconds FROM outbox WHERE id > $1`, [maxId]);
    const relayRate = span.n / Math.max(Number(span.seconds), 0.001);
    console.log(`done`);
    await Promise.all([tasks.stop(), gateway.stop(), ...[...benchProcesses].filter((p) => p.name === 'auth-service').map((p) => p.stop())]);
    return { created, createRate, lagMs, publishedLagMs, maxBacklog, relayRate, relaySeconds: Number(span.seconds), p99: result.latency.p99 };
  } finally {
    await nats.stop();
  }
}

async function unpublished() {
  return (await sql('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
}

// ---------------------------------------------------------------- 2. events-service ingest

function taskEvent(i) {
  const [taskId, owner, assignee] = [randomUUID(), randomUUID(), randomUUID()];
  const at = new Date(Date.UTC(2026, 10, 1) + i).toISOString();
  const task = { id: taskId, title: `Bench task ${i}`, description: 'bench', status: 'todo', priority: 'high', dueDate: null, ownerId: owner, assigneeIds: [assignee], version: 1, createdAt: at, updatedAt: at };
  return { eventId: randomUUID(), type: 'task.created', taskId, actorId: owner, occurredAt: at, task, audience: [owner, assignee], requestId: null };
}

async function seedLogged(mongoUrl, count) {
  const client = await MongoClient.connect(mongoUrl);
  try {
    const db = client.db();
    // Few, large inserts: jongodb charges each write command in proportion to the collection's size.
    for (let start = 0; start < count; start += 5000) {
      const events = Array.from({ length: Math.min(5000, count - start) }, (_, k) => taskEvent(start + k));
      await db.collection('event_logs').insertMany(
        events.map((e) => ({ eventId: e.eventId, type: e.type, source: 'task', taskId: e.taskId, actorId: e.actorId, userId: null, audience: e.audience, occurredAt: new Date(e.occurredAt), requestId: null, task: e.task, createdAt: new Date() })),
      );
      await db.collection('notifications').insertMany(
        events.map((e) => ({ _id: randomUUID(), eventId: e.eventId, userId: e.audience[1], type: e.type, taskId: e.taskId, actorId: e.actorId, taskTitle: e.task.title, read: false, readAt: null, createdAt: new Date(e.occurredAt) })),
      );
    }
  } finally {
    await client.close();
  }
}

async function publishBacklog(natsUrl, count) {
  const nc = await natsAs(natsUrl, 'tasks-service', 'bench-pipeline');
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add(eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX));
    const js = jetstream(nc);
    for (let start = 0; start < count; start += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, count - start) }, (_, k) => {
          const event = taskEvent(start + k);
          return js.publish(`${TASK_EVENTS_SUBJECT_PREFIX}.created`, JSON.stringify(event), { msgID: event.eventId });
        }),
      );
    }
  } finally {
    await nc.close();
  }
}

async function processedCount(healthPort) {
  return (await metricTotal(`http://${HOST}:${healthPort}/metrics`, 'events_processed_total')) ?? 0;
}

async function ingestRound(alreadyLogged) {
  const [nats, mongo] = [await startNats(), await startJongodb()];
  try {
    if (alreadyLogged > 0) await seedLogged(mongo.url, alreadyLogged);
    await publishBacklog(nats.url, settings.backlog);
    const healthPort = await freePort();
    process.stdout.write(`[bench] ingest with ${alreadyLogged} already logged: ${settings.backlog} events… `);
    const events = service('events-service', { ...baseEnv(nats.url), MONGODB_URI: mongo.url, HEALTH_PORT: String(healthPort) });
    // Start-up creates the indexes first: on jongodb over a seeded collection that takes a while.
    await waitForPing(nats.url, EventsContract.ping.subject, 300_000);
    const samples = [];
    const deadline = Date.now() + settings.ingestTimeoutS * 1000;
    for (;;) {
      const n = await processedCount(healthPort);
      samples.push({ at: Date.now(), n });
      if (n >= settings.backlog || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const redeliveries = await redeliveryCount(healthPort);
    await events.stop();
    const first = samples.find((s) => s.n > 0) ?? samples[0];
    const last = samples[samples.length - 1];
    const rate = (last.n - first.n) / Math.max((last.at - first.at) / 1000, 0.001);
    const curve = [];
    const fifth = settings.backlog / 5;
    for (let k = 1; k <= 5; k += 1) {
      const from = samples.find((s) => s.n >= (k - 1) * fifth) ?? last;
      const to = samples.find((s) => s.n >= k * fifth);
      if (!to || to === from) break;
      curve.push(Math.round((to.n - from.n) / ((to.at - from.at) / 1000)));
    }
    console.log(last.n >= settings.backlog ? 'done' : `timed out at ${last.n}`);
    return { alreadyLogged, processed: last.n, finished: last.n >= settings.backlog, seconds: (last.at - first.at) / 1000, rate, curve, redeliveries };
  } finally {
    await mongo.stop();
    await nats.stop();
  }
}

async function redeliveryCount(healthPort) {
  return (await metricTotal(`http://${HOST}:${healthPort}/metrics`, 'events_redeliveries_total')) ?? 'not counted by this build';
}

// ---------------------------------------------------------------- main

async function main() {
  console.log(`[bench] cpus=${os.cpus().length} dist=${DIST_ROOT} duration=${settings.duration}s connections=${settings.connections} backlog=${settings.backlog}`);
  const lines = [];
  const report = (...more) => {
    lines.push(...more);
    for (const line of more) console.log(`[bench] = ${line}`);
  };
  if (settings.part !== 'ingest') {
    const r = await relayPart();
    report(
      `create throughput        ${fmt(r.createRate)} /s (${r.created} in ${settings.duration} s, p99 ${r.p99} ms)`,
      `outbox after last 201     last row published ${r.publishedLagMs} ms after it; seen empty by a 100 ms poll ${r.lagMs} ms after it (largest backlog sampled during the burst: ${r.maxBacklog} rows)`,
      `relay throughput          ${fmt(r.relayRate)} /s (${settings.backlog} rows in ${fmt(r.relaySeconds, 2)} s)`,
      `relay / create            ${fmt(r.relayRate / r.createRate, 2)}×`,
    );
  }
  if (settings.part !== 'relay') {
    for (const logged of [0, settings.backlog]) {
      const r = await ingestRound(logged);
      report(
        `ingest at ${String(logged).padStart(6)} logged  ${fmt(r.rate)} events/s (${r.processed}${r.finished ? '' : ` of ${settings.backlog}, timed out`} in ${fmt(r.seconds)} s; per fifth: ${r.curve.join(', ') || 'n/a'}; redeliveries: ${r.redeliveries})`,
      );
    }
  }
  console.log('\n[bench] results (shared 2-core machine: compare ratios within one run)');
  for (const line of lines) console.log(`  ${line}`);
}

const stopEverything = () => Promise.all([...benchProcesses].map((p) => p.stop('SIGKILL')));
process.once('SIGINT', () => void stopEverything().then(() => process.exit(130)));
main().then(
  async () => {
    await stopEverything();
    process.exit(0);
  },
  async (error) => {
    console.error(`[bench] failed: ${error.stack ?? error}`);
    for (const p of benchProcesses) console.error(`--- ${p.name}\n${p.lines.slice(-15).join('\n')}`);
    await stopEverything();
    process.exit(1);
  },
);
