#!/usr/bin/env node
// Resident memory (RSS) of TaskFlow idle and under a short load, one-process mode
// (dist/all/src/main.js) vs the five services split, same machine, same run:
//   npm run bench:memory          (builds first)   or   node bench/memory.bench.mjs
// For each mode: start it against a private nats-server (shipped configuration, development
// keys), PostgreSQL (BENCH_DATABASE_URL), Redis (BENCH_REDIS_URL) and an in-memory jongodb; wait
// for the gateway's /health/ready, let it settle BENCH_SETTLE_S, read VmRSS of every process
// (/proc, Linux), then drive GET /api/tasks for BENCH_LOAD_S and keep the highest RSS sampled.
// Prints one table; stops everything it started (SIGTERM) also on failure.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startLocalNats } from '../scripts/lib/local-nats.mjs';
import { ensureDatabase, fmt, freePort, HOST, intSetting, poll, serviceNodeFlags } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const JONGODB = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
const SERVICES = ['auth-service', 'tasks-service', 'events-service', 'realtime-service', 'gateway'];
const PG = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/taskflow_bench_memory';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const SETTLE_S = intSetting('BENCH_SETTLE_S', process.env.BENCH_SETTLE_S, 10, 1, 300);
const LOAD_S = intSetting('BENCH_LOAD_S', process.env.BENCH_LOAD_S, 10, 0, 300);
const CONNECTIONS = intSetting('BENCH_CONNECTIONS', process.env.BENCH_CONNECTIONS, 10, 1, 500);
/**
 * Node flags of every service process: the services' own (BENCH_SERVICE_FLAGS=none: Node's
 * defaults), then BENCH_NODE_OPTIONS, e.g. '--max-old-space-size=384' to try a cut (a later V8
 * flag wins over an earlier one).
 */
const NODE_FLAGS = [...serviceNodeFlags(), ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];

const started = [];
function run(name, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean).slice(-50)));
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  const proc = { name, child, lines, exited };
  started.push(proc);
  return proc;
}

async function stop(procs) {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
  await Promise.all(procs.map((proc) => Promise.race([proc.exited, new Promise((done) => setTimeout(done, 15000))])));
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
}

/** Resident set size in MB, from /proc (what the kernel, and a PaaS's memory limit, count). */
function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function startJongodb() {
  const port = await freePort();
  const mongo = run('jongodb', JONGODB, [`--host=${HOST}`, `--port=${port}`], {});
  let uri;
  await poll(
    'jongodb',
    () => {
      const match = /JONGODB_URI=(mongodb:\/\/\S+)/.exec(mongo.lines.join('\n'));
      if (!match) return 'no JONGODB_URI yet';
      uri = new URL(match[1]);
      uri.pathname = '/taskflow_bench_memory';
      return true;
    },
    30000,
  );
  return { proc: mongo, uri: uri.toString() };
}

/** Starts a mode, measures it, stops it. */
async function measure(mode, baseEnv) {
  const port = await freePort();
  const realtimePort = await freePort();
  const env = { ...baseEnv, PORT: String(port) };
  const procs =
    mode === 'one-process'
      ? [run('all', process.execPath, [...NODE_FLAGS, 'dist/all/src/main.js'], { ...env, REALTIME_SERVICE_PORT: String(realtimePort) })]
      : SERVICES.map((name) =>
          run(name, process.execPath, [...NODE_FLAGS, `dist/${name}/src/main.js`], {
            ...env,
            ...(name === 'realtime-service' ? { PORT: String(realtimePort) } : {}),
            ...(name === 'gateway' ? { REALTIME_PROXY_URL: `http://${HOST}:${realtimePort}` } : {}),
          }),
        );
  const base = `http://${HOST}:${port}`;
  try {
    const died = Promise.race(
      procs.map((proc) => proc.exited.then((code) => Promise.reject(new Error(`${proc.name} exited (${code}):\n${proc.lines.slice(-15).join('\n')}`)))),
    );
    died.catch(() => undefined);
    await Promise.race([poll(`${mode} /health/ready`, async () => (await fetch(`${base}/health/ready`)).ok || 'not ready', 90000), died]);
    await new Promise((done) => setTimeout(done, SETTLE_S * 1000));
    const idle = Object.fromEntries(procs.map((proc) => [proc.name, rssMb(proc.child.pid)]));

    let peak = 0;
    if (LOAD_S > 0) {
      const email = `memory-${Date.now()}@example.test`;
      const registered = await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'memory bench password', name: 'Memory' }),
      });
      if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
      const { accessToken } = await registered.json();
      const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
      for (let i = 0; i < 20; i++) await fetch(`${base}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: `task ${i}` }) });
      const sampler = setInterval(
        () =>
          (peak = Math.max(
            peak,
            procs.reduce((sum, proc) => sum + rssMb(proc.child.pid), 0),
          )),
        250,
      );
      await autocannon({ url: `${base}/api/tasks?limit=20`, headers, connections: CONNECTIONS, duration: LOAD_S });
      clearInterval(sampler);
    }
    return { idle, peak };
  } finally {
    await stop(procs);
  }
}

let infra = [];
try {
  if (!existsSync(resolve(ROOT, 'dist/all/src/main.js'))) throw new Error('dist/all/src/main.js is missing: npm run build');
  await ensureDatabase(PG.replace(/\/[^/]*$/, ''), PG.split('/').pop());
  const nats = await startLocalNats();
  const mongo = await startJongodb();
  infra = [mongo.proc];
  const baseEnv = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    NATS_URL: nats.url,
    DATABASE_URL: PG,
    REDIS_URL: REDIS,
    MONGODB_URI: mongo.uri,
    HEALTH_PORT: '0',
    BCRYPT_ROUNDS: '4',
    RATE_LIMIT_MAX: '100000000',
  };
  try {
    const split = await measure('split', baseEnv);
    const one = await measure('one-process', baseEnv);
    const total = (idle) => Object.values(idle).reduce((sum, mb) => sum + mb, 0);
    console.log(`\nRSS in MB (settled ${SETTLE_S} s; load: GET /api/tasks, ${CONNECTIONS} connections, ${LOAD_S} s; node flags: '${NODE_FLAGS.join(' ')}')`);
    console.log(`mode          idle total  under load (peak)  processes`);
    console.log(
      `split         ${fmt(total(split.idle)).padStart(10)}  ${fmt(split.peak).padStart(17)}  ${Object.entries(split.idle)
        .map(([name, mb]) => `${name} ${fmt(mb)}`)
        .join(', ')}`,
    );
    console.log(`one-process   ${fmt(total(one.idle)).padStart(10)}  ${fmt(one.peak).padStart(17)}  all ${fmt(one.idle.all)}`);
    console.log(`one-process / split idle: ${fmt(total(one.idle) / total(split.idle), 2)}x`);
  } finally {
    await nats.stop();
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stop(started.filter((proc) => proc.child.exitCode === null));
  await stop(infra);
}
