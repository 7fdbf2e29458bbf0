#!/usr/bin/env node
// Overload benchmark (issue 11): sign-ins at bcrypt cost 12, first at a concurrency the
// machine can serve (BENCH_BASE_CONNECTIONS, 8), then far beyond it (BENCH_CONNECTIONS, 50),
// each for BENCH_DURATION seconds (20). Prints goodput (logins/s answered 200), the latency
// of shed answers (503) p50/p99, the number of 504s and 500s, /health p95 measured by a
// prober during the overload run, and the time from the end of the burst to a login that
// answers 200 in under 1 s again. Then the same shape for task creates: BENCH_TASK_CONNECTIONS
// (16, about where creates saturate on 2 cores), then 4× that.
//
// Usage: npm run build && node bench/overload.bench.mjs
// Needs a nats-server binary (its own, private, on a free port), PostgreSQL :5432 (database
// taskflow_bench), Redis :6379, and MongoDB :27017 or the in-memory jongodb.
// Everything started here is stopped (by PID) at the end.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { HOST, ensureDatabase, findOnPath, fmt, freePort, intSetting, poll, portOpen, privateNatsArgs } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = 'taskflow_bench';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const JONGODB = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
const settings = {
  bcryptRounds: intSetting('BCRYPT_ROUNDS', process.env.BCRYPT_ROUNDS, 12, 4, 15),
  duration: intSetting('BENCH_DURATION', process.env.BENCH_DURATION, 20, 1, 600),
  base: intSetting('BENCH_BASE_CONNECTIONS', process.env.BENCH_BASE_CONNECTIONS, 8, 1, 1000),
  connections: intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 50, 1, 1000),
  taskConnections: intSetting('BENCH_TASK_CONNECTIONS', process.env.BENCH_TASK_CONNECTIONS, 16, 1, 250),
};

const children = [];
let tempDir;

function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => lines.push(...chunk.toString().split('\n').filter(Boolean).slice(-50));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  children.push({ name, child, exited, lines });
  return { child, lines };
}

async function stopAll() {
  // Services first, then the infrastructure they drain into; each by its own PID.
  for (const group of [children.filter((c) => !c.infra), children.filter((c) => c.infra)]) {
    await Promise.all(
      group.map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** One autocannon run of POST `path` (a sign-in, or with `token` a task create), every response's status and latency kept. */
async function run(url, connections, { path = '/api/auth/login', body, token, success = 200 }) {
  const responses = [];
  const instance = autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    connections,
    duration: settings.duration,
    timeout: 10,
  });
  instance.on('response', (_client, status, _bytes, ms) => responses.push({ status, ms }));
  const result = await instance;
  const of = (status) => responses.filter((r) => r.status === status);
  return {
    goodput: of(success).length / settings.duration,
    ok: of(success),
    shed: of(503),
    timeouts: of(504).length,
    errors500: of(500).length,
    other: responses.filter((r) => ![success, 503, 504, 500].includes(r.status)).length,
    clientErrors: result.errors,
  };
}

/** GET /health one at a time until stopped: its latency while the gateway is under load. */
function healthProber(url) {
  const latencies = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const t = performance.now();
      const response = await fetch(`${url}/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { latencies, stop: () => ((stopped = true), done) };
}

async function main() {
  const natsBinary = findOnPath('nats-server');
  if (!natsBinary) throw new Error('no nats-server binary on PATH');
  await ensureDatabase(PG_URL, DATABASE);
  tempDir = await mkdtemp(join(os.tmpdir(), 'taskflow-overload-bench-'));
  const natsPort = await freePort();
  const nats = privateNatsArgs(natsPort, tempDir);
  start('nats-server', natsBinary, nats.args, { PATH: process.env.PATH ?? '', ...nats.env });
  children.at(-1).infra = true;
  await poll('nats-server', async () => (await portOpen(natsPort)) || 'not listening', 30_000);
  let mongoUri = `mongodb://${HOST}:27017/${DATABASE}`;
  if (!(await portOpen(27017))) {
    const mongoPort = await freePort();
    const mongo = start('jongodb', JONGODB, [`--host=${HOST}`, `--port=${mongoPort}`], { PATH: process.env.PATH ?? '' });
    children.at(-1).infra = true;
    await poll('jongodb', async () => /JONGODB_URI=/.test(mongo.lines.join('\n')) || 'starting', 60_000);
    const uri = new URL(/JONGODB_URI=(mongodb:\/\/\S+)/.exec(mongo.lines.join('\n'))[1]);
    uri.pathname = `/${DATABASE}`;
    mongoUri = uri.toString();
  }

  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'error',
    PORT: String(port),
    HEALTH_PORT: '0',
    NATS_URL: `nats://${HOST}:${natsPort}`,
    REDIS_URL: `redis://${HOST}:6379`,
    DATABASE_URL: `${PG_URL}/${DATABASE}`,
    MONGODB_URI: mongoUri,
    RATE_LIMIT_MAX: '100000000',
    LOGIN_FAILURE_LIMIT: '100000000',
    BCRYPT_ROUNDS: String(settings.bcryptRounds),
    JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678',
    // Passed through to compare the gateway's shedding after OVERLOADED on and off (0).
    ...(process.env.GATEWAY_OVERLOAD_BACKOFF_MS ? { GATEWAY_OVERLOAD_BACKOFF_MS: process.env.GATEWAY_OVERLOAD_BACKOFF_MS } : {}),
  };
  const readiness = resolve(ROOT, 'dist/gateway/src/health/readiness.js');
  const backends = (await import(pathToFileURL(readiness).href)).READINESS_TARGETS.map((t) => t.name);
  for (const name of [...backends, 'gateway']) {
    if (!existsSync(resolve(ROOT, `dist/${name}/src/main.js`))) throw new Error(`dist/${name} missing: npm run build`);
    start(name, process.execPath, [resolve(ROOT, `dist/${name}/src/main.js`)], env);
  }
  await poll('GET /health/ready = 200', async () => (await fetch(`${url}/health/ready`)).status === 200 || 'not ready', 60_000);

  const credentials = { email: `overload-${randomUUID().slice(0, 8)}@example.test`, password: 'bench-password-0123' };
  const registered = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...credentials, name: 'Bench' }) });
  if (registered.status !== 201) throw new Error(`register: ${registered.status}`);

  console.log(`[overload] cpus=${os.cpus().length} BCRYPT_ROUNDS=${settings.bcryptRounds} duration=${settings.duration}s; base ${settings.base} connections, then ${settings.connections}`);
  const login = { body: credentials };
  const base = await run(url, settings.base, login);
  const prober = healthProber(url);
  const burst = await run(url, settings.connections, login);
  await prober.stop();
  const ended = Date.now();
  let recoveryMs = NaN;
  while (Date.now() - ended < 60_000) {
    const t = Date.now();
    const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    await response.arrayBuffer();
    if (response.status === 200 && Date.now() - t < 1000) {
      recoveryMs = Date.now() - ended;
      break;
    }
  }

  const line = (name, r) =>
    `${name.padEnd(16)} goodput ${fmt(r.goodput)}/s  ok p50 ${fmt(percentile(r.ok.map((x) => x.ms), 50), 0)} ms  ` +
    `503 ×${r.shed.length} (p50 ${fmt(percentile(r.shed.map((x) => x.ms), 50), 0)} / p99 ${fmt(percentile(r.shed.map((x) => x.ms), 99), 0)} ms)  ` +
    `504 ×${r.timeouts}  500 ×${r.errors500}  other ×${r.other}  client errors ×${r.clientErrors}`;
  console.log('');
  console.log(line(`${settings.base} connections`, base));
  console.log(line(`${settings.connections} connections`, burst));
  console.log(`goodput under overload: ${fmt((burst.goodput / base.goodput) * 100)}% of the base run's (target ≥ 90%)`);
  console.log(`/health during overload: p50 ${fmt(percentile(prober.latencies, 50))} ms, p95 ${fmt(percentile(prober.latencies, 95))} ms over ${prober.latencies.length} probes (target p95 ≤ 50 ms)`);
  console.log(`end of burst → a login answering 200 in < 1 s: ${fmt(recoveryMs, 0)} ms (target ≤ 1000 ms)`);

  const { accessToken } = await (await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) })).json();
  const create = { path: '/api/tasks', body: { title: 'Bench task' }, token: accessToken, success: 201 };
  const taskBase = await run(url, settings.taskConnections, create);
  const taskProber = healthProber(url);
  const taskBurst = await run(url, settings.taskConnections * 4, create);
  await taskProber.stop();
  console.log('');
  console.log(line(`creates ×${settings.taskConnections}`, taskBase));
  console.log(line(`creates ×${settings.taskConnections * 4}`, taskBurst));
  console.log(`create goodput at 4× concurrency: ${fmt((taskBurst.goodput / taskBase.goodput) * 100)}% of the base run's; /health p95 ${fmt(percentile(taskProber.latencies, 95))} ms`);
}

main()
  .then(() => 0, (error) => (console.error(`[overload] FAILED: ${error.stack ?? error}`), 1))
  .then(async (code) => {
    await stopAll();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    process.exit(code);
  });
