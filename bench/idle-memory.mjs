#!/usr/bin/env node
// Idle memory of the five services: where each one's RSS goes. Starts its own nats-server
// (as the other benches) and the in-memory jongodb (unless MongoDB listens on :27017), then
// the five services from dist/, waits until the gateway's /health/ready is 200, lets them
// idle IDLE_S seconds (default 10), and prints per service:
//   RSS            /proc/<pid>/smaps_rollup Rss
//   PSS            Pss: pages shared with other processes (the node binary) counted by share
//   anon           its anonymous part (JS heap, malloc, thread stacks)
//   file           its file-backed part (the node binary's code, shared libraries)
//   heap used/total  V8 (nodejs_heap_size_used_bytes / _total_bytes from the service's /metrics)
//   external       nodejs_external_memory_bytes (Buffers, ArrayBuffers)
// and the sum. Usage: npm run build && node bench/idle-memory.mjs
// Env: IDLE_S, NODE_EXTRA (extra node flags for every service, e.g. "--max-semi-space-size=1"),
// BENCH_SERVICE_FLAGS=none (Node's defaults instead of the services' flags, bench/lib.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST, ensureDatabase, findOnPath, fmt, freePort, intSetting, poll, portOpen, privateNatsArgs, serviceNodeFlags } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const JONGODB = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');
const DATABASE = 'taskflow_bench';
const PG_URL = `postgres://postgres@${HOST}:5432`;
const IDLE_S = intSetting('IDLE_S', process.env.IDLE_S, 10, 0, 600);
const NODE_EXTRA = [...serviceNodeFlags(), ...(process.env.NODE_EXTRA ?? '').split(' ').filter(Boolean)];
const SERVICES = ['auth-service', 'tasks-service', 'events-service', 'realtime-service', 'gateway'];

const children = [];
function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const exited = new Promise((done) => child.once('exit', done));
  const keep = (chunk) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push({ name, child, lines, exited });
  return { child, lines };
}

function smaps(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('Rss'), anon: kb('Anonymous'), pss: kb('Pss') };
}

async function metric(url, name) {
  const text = await (await fetch(url)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
}

async function main() {
  for (const name of SERVICES) if (!existsSync(resolve(ROOT, `dist/${name}/src/main.js`))) throw new Error(`dist/${name} missing: npm run build`);
  await ensureDatabase(PG_URL, DATABASE);
  const tempDir = await mkdtemp(join(os.tmpdir(), 'taskflow-bench-mem-'));
  try {
    const natsPort = await freePort();
    const natsBinary = findOnPath('nats-server');
    if (!natsBinary) throw new Error('needs a nats-server binary');
    start('nats-server', natsBinary, privateNatsArgs(natsPort, tempDir).args, privateNatsArgs(natsPort, tempDir).env);
    await poll('nats-server', async () => (await portOpen(natsPort)) || 'not listening', 30_000);
    let mongoUri = `mongodb://${HOST}:27017/${DATABASE}`;
    if (!(await portOpen(27017))) {
      const mongo = start('jongodb', JONGODB, [`--host=${HOST}`, `--port=${await freePort()}`], {});
      await poll('jongodb', async () => /JONGODB_URI=(mongodb:\/\/\S+)/.test(mongo.lines.join('\n')) || 'no URI yet', 30_000);
      const uri = new URL(/JONGODB_URI=(mongodb:\/\/\S+)/.exec(mongo.lines.join('\n'))[1]);
      uri.pathname = `/${DATABASE}`;
      mongoUri = uri.toString();
    }
    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()])));
    const base = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      NATS_URL: `nats://${HOST}:${natsPort}`,
      REDIS_URL: `redis://${HOST}:6379`,
      DATABASE_URL: `${PG_URL}/${DATABASE}`,
      MONGODB_URI: mongoUri,
      BCRYPT_ROUNDS: '4',
      JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789-012345678',
    };
    const metricsUrl = {};
    const pids = {};
    for (const name of SERVICES) {
      const own = name === 'gateway' || name === 'realtime-service' ? { PORT: String(ports[name]) } : { HEALTH_PORT: String(ports[name]) };
      metricsUrl[name] = `http://${HOST}:${ports[name]}/metrics`;
      pids[name] = start(name, process.execPath, [...NODE_EXTRA, resolve(ROOT, `dist/${name}/src/main.js`)], { ...base, ...own }).child.pid;
    }
    await poll('gateway /health/ready = 200', async () => (await fetch(`http://${HOST}:${ports.gateway}/health/ready`)).status === 200 || 'not ready', 90_000);
    await poll('realtime-service /health', async () => (await fetch(`http://${HOST}:${ports['realtime-service']}/health`)).ok || 'not up', 30_000);
    await new Promise((done) => setTimeout(done, IDLE_S * 1000));

    const mb = (bytes) => fmt(bytes / 1048576, 1);
    const rows = [['service', 'RSS MB', 'PSS MB', 'anon MB', 'file MB', 'heap used MB', 'heap total MB', 'external MB']];
    const total = { rss: 0, anon: 0, pss: 0 };
    for (const name of SERVICES) {
      const { rss, anon, pss } = smaps(pids[name]);
      total.rss += rss;
      total.anon += anon;
      total.pss += pss;
      const [used, heap, external] = await Promise.all(['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'].map((m) => metric(metricsUrl[name], m)));
      rows.push([name, mb(rss), mb(pss), mb(anon), mb(rss - anon), mb(used), mb(heap), mb(external)]);
    }
    rows.push(['total', mb(total.rss), mb(total.pss), mb(total.anon), mb(total.rss - total.anon), '', '', '']);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log(`\nIdle memory after ${IDLE_S} s, node ${process.version}${NODE_EXTRA.length ? `, flags: ${NODE_EXTRA.join(' ')}` : ''}`);
    for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  } finally {
    for (const { child } of children.reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(({ exited }) => exited));
    await rm(tempDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[bench] FAILED: ${error.stack ?? error}`);
  for (const { name, lines } of children) if (lines.length) console.error(`--- ${name}:\n${lines.slice(-8).join('\n')}`);
  process.exitCode = 1;
});
