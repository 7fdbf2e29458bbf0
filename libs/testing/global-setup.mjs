// Jest globalSetup (plain JS: Jest loads it outside its transform pipeline).
// Real servers for integration tests: a TEST_*_URL in the environment wins; otherwise a server
// answering on its default local port is used; otherwise one is started with testcontainers
// (machines with Docker). The URLs reach every suite through process.env.
import { Socket } from 'node:net';
import pg from 'pg';

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

export default async function globalSetup() {
  process.env.TEST_DATABASE_URL = await resolvePostgres();
  await ensureDatabase(process.env.TEST_DATABASE_URL);
  process.env.TEST_REDIS_URL ??= (await portOpen(6379)) ? 'redis://127.0.0.1:6379' : `redis://${await startContainer('redis:7-alpine', 6379)}`;
  process.env.TEST_NATS_URL ??= (await portOpen(4222)) ? 'nats://127.0.0.1:4222' : `nats://${await startContainer('nats:2.10-alpine', 4222, ['-js'])}`;
}
