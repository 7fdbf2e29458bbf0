// Jest globalSetup (plain JS: Jest loads it outside its transform pipeline).
// Real servers for integration tests: a TEST_*_URL in the environment wins; otherwise a server
// answering on its default local port is used; otherwise one is started with testcontainers
// (machines with Docker). The URLs reach every suite through process.env.
// MongoDB has one more fallback: with neither a local server nor Docker, the MongoDB-compatible
// in-memory server jongodb is started (its child is stopped by global-teardown.mjs, and dies
// with Jest in any case).
// Before any of that, dist/ is checked against the sources (scripts/lib/fresh-build.mjs):
// if a source is newer, it is built first, and a failed build stops the run.
// NATS is different: tests run their OWN nats-server with the shipped configuration
// (deploy/nats/nats-server.conf, development public keys) on a free port, plus a `test-admin`
// user with full rights whose key pair is made fresh for this run (it exists nowhere else).
// Only on a machine without the nats-server binary does TEST_NATS_URL / :4222 / a container
// serve, unauthenticated, with a loud warning.
import { createUser } from '@nats-io/nkeys';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureFreshBuild } from '../../scripts/lib/fresh-build.mjs';
import { findNatsServer, startLocalNats, warnUnauthenticatedNats } from '../../scripts/lib/local-nats.mjs';

const TEST_DATABASE = 'taskflow_test';

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500);
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
    socket.connect(port, host);
  });
}

async function startContainer(image, port, command = []) {
  const { GenericContainer } = await import('testcontainers');
  const container = await new GenericContainer(image).withCommand(command).withExposedPorts(port).start();
  return `${container.getHost()}:${container.getMappedPort(port)}`;
}

async function resolvePostgres() {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (await portOpen(5432)) return `postgres://postgres@127.0.0.1:5432/${TEST_DATABASE}`;
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine').withDatabase(TEST_DATABASE).start();
  return container.getConnectionUri();
}

async function ensureDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const JONGODB_BINARY = resolve(ROOT, 'node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');

function dockerWorks() {
  return new Promise((done) => execFile('docker', ['info'], { timeout: 5000 }, (error) => done(!error)));
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

// Runs in a small node process between Jest and jongodb: when Jest goes away in any way
// (even SIGKILL) its end of the stdin pipe closes, and the watchdog kills jongodb.
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [binary, ...args] = process.argv.slice(1);
const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => child.kill('SIGKILL');
process.stdin.on('end', stop).on('close', stop).on('error', stop).resume();
process.on('SIGTERM', stop).on('SIGINT', stop);
child.on('exit', (code) => process.exit(code ?? 0));
`;

async function startJongodb() {
  const port = await freePort();
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, JONGODB_BINARY, '--host=127.0.0.1', `--port=${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  globalThis.__TASKFLOW_JONGODB__ = watchdog;
  process.once('exit', () => watchdog.kill('SIGTERM'));
  const output = [];
  const uri = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`jongodb did not start within 30 s:\n${output.join('')}`)), 30000);
    const onData = (chunk) => {
      output.push(String(chunk));
      const match = /JONGODB_URI=(mongodb:\/\/\S+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    watchdog.stdout.on('data', onData);
    watchdog.stderr.on('data', (chunk) => output.push(String(chunk)));
    watchdog.once('exit', (code) => fail(new Error(`jongodb exited with ${code}:\n${output.join('')}`)));
  });
  // Keep draining its output, but let Jest exit without waiting for the child.
  watchdog.stdout.removeAllListeners('data').resume();
  watchdog.stderr.removeAllListeners('data').resume();
  watchdog.removeAllListeners('exit');
  for (const stream of [watchdog.stdin, watchdog.stdout, watchdog.stderr]) stream.unref?.();
  watchdog.unref();
  const url = new URL(uri);
  url.pathname = `/${TEST_DATABASE}`;
  return url.toString();
}

async function resolveMongo() {
  if (process.env.TEST_MONGODB_URI) return process.env.TEST_MONGODB_URI;
  if (await portOpen(27017)) return `mongodb://127.0.0.1:27017/${TEST_DATABASE}`;
  // A real MongoDB (TTL expiry and all) where Docker runs; else the in-memory jongodb.
  if (await dockerWorks()) return `mongodb://${await startContainer('mongo:7', 27017)}/${TEST_DATABASE}`;
  if (existsSync(JONGODB_BINARY)) return startJongodb();
  throw new Error('No MongoDB for tests: set TEST_MONGODB_URI, run one on 127.0.0.1:27017, or install @jongodb/memory-server-bin-linux-x64-gnu');
}

export default async function globalSetup() {
  // Integration suites run the services from dist/: never the build of an older source.
  ensureFreshBuild();
  process.env.TEST_DATABASE_URL = await resolvePostgres();
  await ensureDatabase(process.env.TEST_DATABASE_URL);
  process.env.TEST_REDIS_URL ??= (await portOpen(6379)) ? 'redis://127.0.0.1:6379' : `redis://${await startContainer('redis:7-alpine', 6379)}`;
  process.env.TEST_MONGODB_URI = await resolveMongo();
  await resolveNats();
}

async function resolveNats() {
  const binary = findNatsServer(process.env.NATS_SERVER_BIN);
  if (binary) {
    const admin = createUser();
    const nats = await startLocalNats({ binary, extraUsers: [{ nkey: admin.getPublicKey() }] });
    globalThis.__TASKFLOW_NATS__ = nats;
    process.once('exit', () => nats.child.kill('SIGTERM'));
    process.env.TEST_NATS_URL = nats.url;
    process.env.TEST_NATS_AUTH = 'nkey';
    process.env.TEST_NATS_ADMIN_SEED = new TextDecoder().decode(admin.getSeed());
    return;
  }
  process.env.TEST_NATS_URL ??= (await portOpen(4222)) ? 'nats://127.0.0.1:4222' : `nats://${await startContainer('nats:2.10-alpine', 4222, ['-js'])}`;
  process.env.TEST_NATS_AUTH = 'none';
  warnUnauthenticatedNats('tests', process.env.TEST_NATS_URL);
}
