import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { loadEnv } from '#config';
import { AuthContract, type Actor } from '#contracts';
import { createNatsServer, natsConnectionOptions, NatsRpcClient } from '#nats';
import { testEnv, tokenFor } from '#testing';
import { AppModule } from '../../src/app.module.js';
import { tasksEnvSchema, type TasksEnv } from '../../src/config/tasks.env.js';

export function tasksTestEnv(overrides: Record<string, string> = {}): TasksEnv {
  return loadEnv(tasksEnvSchema, { ...testEnv(), OUTBOX_POLL_MS: '100', ...overrides });
}

/**
 * tasks-service in this process, from source (no NATS server listening): call its services
 * directly. Only for outbox.int-spec.ts, which must stop the relay inside a running service
 * (no process can be asked to); every other suite runs the built service with startService.
 */
export async function startTasksApp(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  const env = tasksTestEnv(overrides);
  const app = await NestFactory.createApplicationContext(AppModule.register(env, createNatsServer(env, 'tasks-service')), { logger: ['error'] });
  await app.init();
  return app;
}

export const member = (id: string = randomUUID()): Actor => ({ id, role: 'member' });
export const admin = (id: string = randomUUID()): Actor => ({ id, role: 'admin' });

/** Request options that make a NATS request on `actor`'s behalf, as the gateway does. */
export const as = (actor: Actor) => ({ accessToken: tokenFor(actor) });

/** A NATS client that speaks the contracts, as the gateway does (with the gateway's credentials). */
export async function natsClient(): Promise<NatsRpcClient> {
  const connection = natsConnectionOptions({ NATS_URL: [testEnv().NATS_URL!] }, 'gateway', 'tasks-service-tests');
  const client = new NatsRpcClient({ connection, requestTimeoutMs: 5000 });
  await client.connect();
  return client;
}

/** A real user in auth-service (assignments are checked against it). */
export async function registerUser(client: NatsRpcClient): Promise<Actor> {
  const session = await client.request(AuthContract.register, {
    email: `tasks-${randomUUID().slice(0, 8)}@example.test`,
    password: 'correct horse battery',
    name: 'Tasks Tester',
  });
  return { id: session.user.id, role: session.user.role };
}

/** A database of its own (created if missing), so no other running tasks-service relays its outbox. */
export async function isolatedDatabaseUrl(suffix: string): Promise<string> {
  const url = new URL(testEnv().DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}
