#!/usr/bin/env node
// Starts every built service as its own process (as production runs them), with one shared
// environment: `.env` if present, else the services' local defaults. Ctrl-C / SIGTERM stops
// them all gracefully; if one dies, the rest are stopped and the exit code says so.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = ['auth-service', 'tasks-service', 'gateway'];

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

await ensureLocalDatabase();

const children = new Map();
let stopping = false;
let exitCode = 0;

for (const name of SERVICES) {
  const child = spawn(process.execPath, [resolve(ROOT, `dist/${name}/src/main.js`)], { stdio: 'inherit', env: process.env });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the others`);
      exitCode = 1;
      stopAll();
    } else if (code !== 0) {
      exitCode = 1;
    }
    if (children.size === 0) process.exit(exitCode);
  });
}
console.log(`[start] started ${SERVICES.join(', ')}; gateway on http://localhost:${process.env.PORT ?? 3001}`);

function stopAll() {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
