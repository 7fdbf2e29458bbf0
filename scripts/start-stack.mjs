#!/usr/bin/env node
// Starts every built service as its own process (as production runs them) or, with
// `--one-process` (npm run start:one), all five in one process (dist/all/src/main.js), with one shared
// environment: `.env` if present, else the services' local defaults. Ctrl-C / SIGTERM stops
// them all gracefully; if one dies, the rest are stopped and the exit code says so.
// Unless NATS_URL is set, it runs its own nats-server with the shipped configuration
// (deploy/nats/nats-server.conf, development keys) on a free port, so local development goes
// through the same NATS credentials and permissions as production.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findNatsServer, startLocalNats, warnUnauthenticatedNats } from './lib/local-nats.mjs';
import { SERVICE_NODE_FLAGS } from './lib/service-node-flags.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = ['auth-service', 'tasks-service', 'events-service', 'realtime-service', 'gateway'];
/** The gateway and realtime-service both read PORT: give each its own. */
const REALTIME_PORT = process.env.REALTIME_PORT ?? '3002';
const SERVICE_ENV = {
  // The gateway proxies /socket.io to realtime-service: one origin for the browser, as in compose and K8s.
  gateway: { PORT: process.env.PORT ?? '3001', REALTIME_PROXY_URL: process.env.REALTIME_PROXY_URL ?? `http://127.0.0.1:${REALTIME_PORT}` },
  'realtime-service': { PORT: REALTIME_PORT },
};
/** One-process mode: the same environment; realtime-service's internal port is REALTIME_SERVICE_PORT (libs/config serviceEnvSource). */
const ONE_PROCESS = process.argv.includes('--one-process');
const PROCESSES = ONE_PROCESS ? ['all'] : SERVICES;
SERVICE_ENV.all = { PORT: SERVICE_ENV.gateway.PORT, REALTIME_SERVICE_PORT: REALTIME_PORT };
const JONGODB = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');

if (existsSync(resolve(ROOT, '.env'))) process.loadEnvFile(resolve(ROOT, '.env'));

/** Local convenience: create the database the services will migrate, if it is missing. */
async function ensureLocalDatabase() {
  if (process.env.NODE_ENV === 'production') return;
  const url = process.env.DATABASE_URL
    ? new URL(process.env.DATABASE_URL)
    : new URL(
        `postgres://${process.env.DATABASE_USERNAME ?? 'postgres'}${process.env.DATABASE_PASSWORD ? `:${encodeURIComponent(process.env.DATABASE_PASSWORD)}` : ''}@${process.env.DATABASE_HOST ?? '127.0.0.1'}:${process.env.DATABASE_PORT ?? 5432}/${process.env.DATABASE_NAME ?? 'taskflow'}`,
      );
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      console.log(`[start] created database ${name}`);
    }
  } catch (error) {
    console.warn(`[start] could not check database ${name}: ${error.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (open) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(500);
    socket.once('connect', () => finish(true)).once('error', () => finish(false)).once('timeout', () => finish(false));
    socket.connect(port, host);
  });
}

const children = new Map();
/** The fallback jongodb, stopped after the services (events-service drains into it first). */
let localMongo;
/** Our own nats-server, likewise stopped after the services. */
let localNats;

/**
 * NATS_URL set: the operator's NATS (and credentials, e.g. NATS_NKEY_SEED in .env) as given.
 * Else our own nats-server with the shipped configuration; the services, having no
 * credentials set, use their development seeds, whose public keys it trusts.
 */
async function ensureLocalNats() {
  if (process.env.NATS_URL) return;
  if (process.env.NODE_ENV === 'production') return;
  const binary = findNatsServer(process.env.NATS_SERVER_BIN);
  if (!binary) {
    process.env.NATS_URL = 'nats://127.0.0.1:4222';
    warnUnauthenticatedNats('start', process.env.NATS_URL);
    return;
  }
  localNats = await startLocalNats({ binary });
  process.env.NATS_URL = localNats.url;
  console.log(`[start] nats-server with deploy/nats/nats-server.conf on ${localNats.url} (development keys: deploy/nats/dev.env)`);
}

/**
 * No MONGODB_URI and nothing on 27017 (machines without MongoDB): fall back to the in-memory
 * MongoDB-compatible jongodb, loudly, since event logs and notifications then die with it.
 */
async function ensureLocalMongo() {
  if (process.env.MONGODB_URI || process.env.NODE_ENV === 'production' || (await portOpen(27017))) return;
  if (!existsSync(JONGODB)) {
    console.warn('[start] no MongoDB on 127.0.0.1:27017 and no jongodb installed: events-service will not be ready');
    return;
  }
  const child = spawn(JONGODB, ['--host=127.0.0.1', '--port=27017'], { stdio: ['ignore', 'pipe', 'inherit'] });
  localMongo = child;
  const uri = await new Promise((resolveUri, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /JONGODB_URI=(\S+)/.exec(output);
      if (match) resolveUri(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`jongodb exited with ${code}`)));
  });
  process.env.MONGODB_URI = uri.replace(/\/[^/]*$/, "/taskflow");
  console.warn(
    [
      '',
      '[start] ************************************************************************',
      '[start] No MongoDB found: using the in-memory jongodb at ' + process.env.MONGODB_URI,
      '[start] Event logs and notifications will NOT survive a restart.',
      '[start] Set MONGODB_URI or run MongoDB on 127.0.0.1:27017 to keep them.',
      '[start] ************************************************************************',
      '',
    ].join('\n'),
  );
}

await ensureLocalDatabase();
await ensureLocalMongo();
await ensureLocalNats();

let stopping = false;
let exitCode = 0;

for (const name of PROCESSES) {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, resolve(ROOT, `dist/${name}/src/main.js`)], { stdio: 'inherit', env: { ...process.env, ...SERVICE_ENV[name] } });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the others`);
      exitCode = 1;
      stopAll();
    } else {
      console.log(`[start] ${name} stopped (${signal ?? code}) after ${Date.now() - stoppingSince} ms`);
      if (code !== 0) exitCode = 1;
    }
    if (children.size === 0) {
      localMongo?.kill('SIGTERM');
      void Promise.resolve(localNats?.stop()).finally(() => process.exit(exitCode));
    }
  });
}
console.log(`[start] started ${ONE_PROCESS ? `${SERVICES.join(', ')} in one process` : SERVICES.join(', ')}; gateway on http://localhost:${process.env.PORT ?? 3001}`);

let stoppingSince = 0;
function stopAll() {
  if (!stopping) stoppingSince = Date.now();
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
