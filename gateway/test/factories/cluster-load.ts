import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import mongoose from 'mongoose';
import pg from 'pg';
import { TASK_EVENTS_STREAM, type TaskEvent } from '#contracts';
import { replicasOf } from '#nats';
import { connectAs, NatsCluster, PrivateJongodb, readStreamEvents, RealtimeStack, registerUser, waitFor, type EventLog, type TestUser } from '#testing';

/** A lost reply costs this much before the client retries: short, so a run sees several kills' worth of load. */
export const REQUEST_TIMEOUT_MS = 3000;
/** Attempts per create (the first and its retries with the same Idempotency-Key). */
const MAX_ATTEMPTS = 30;
/** Pause before a retry: what a client with a back-off does, not a wait for a condition. */
const RETRY_PAUSE_MS = 100;

export interface Attempt {
  start: number;
  end: number;
  status: number;
}

/** One task the load creates: its title, its Idempotency-Key, and every attempt until a 201. */
export interface Create {
  title: string;
  key: string;
  attempts: Attempt[];
  taskId?: string;
}

/** A cluster, every service pointed at all its nodes with EVENT_STREAM_REPLICAS=3, and the owner's socket. */
export interface ClusterFixture {
  cluster: NatsCluster;
  realtime: RealtimeStack;
  owner: TestUser;
  socket: EventLog;
  admin: NatsConnection;
  mongo: PrivateJongodb;
}

export async function startClusterFixture(): Promise<ClusterFixture> {
  const cluster = await NatsCluster.start(3);
  // Its own event log: a run logs ~2,000 events, and the shared jongodb's writes slow down as
  // its collections grow (README), which would slow every later suite's events-service.
  const mongo = await PrivateJongodb.start();
  let realtime: RealtimeStack | undefined;
  try {
    realtime = await RealtimeStack.start(['auth-service', 'tasks-service', 'events-service'], {
      MONGODB_URI: mongo.url('taskflow_cluster'),
      NATS_URL: cluster.url,
      EVENT_STREAM_REPLICAS: '3',
      NATS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    const admin = await connectAs('test-admin', { servers: cluster.url, name: 'cluster-test' });
    const jsm = await jetstreamManager(admin);
    // Both consumers exist before the load, so every event of it is theirs to deliver.
    for (const consumer of ['events-service', 'realtime-service']) {
      await waitFor(() => jsm.consumers.info(TASK_EVENTS_STREAM, consumer).then(() => true), 30_000, `consumer ${consumer}`);
    }
    const owner = await registerUser(realtime.api);
    const socket = await realtime.listen(owner);
    return { cluster, realtime, owner, socket, admin, mongo };
  } catch (error) {
    await realtime?.close();
    await cluster.close();
    await mongo.stop();
    throw error;
  }
}

export async function closeClusterFixture(fixture: ClusterFixture | undefined): Promise<void> {
  if (!fixture) return;
  await fixture.admin.close().catch(() => undefined);
  await fixture.realtime.close();
  await fixture.cluster.close();
  await fixture.mongo.stop();
}

/** The replicas of TASK_EVENTS and its two durable consumers, as the cluster reports them. */
export async function taskEventReplicas(admin: NatsConnection): Promise<{ stream: number; consumers: number[] }> {
  const jsm = await jetstreamManager(admin);
  return {
    stream: replicasOf(await jsm.streams.info(TASK_EVENTS_STREAM)),
    consumers: await Promise.all(['events-service', 'realtime-service'].map(async (name) => replicasOf(await jsm.consumers.info(TASK_EVENTS_STREAM, name)))),
  };
}

/**
 * `writers` clients creating tasks one after another through the gateway, each create with its
 * own Idempotency-Key and retried with it until answered 201, as a careful client does: a retry
 * after a lost reply returns the task the first attempt created.
 */
export class CreateLoad {
  readonly creates: Create[] = [];
  private stopped = false;
  private running?: Promise<void>;
  private next = 0;

  constructor(
    private readonly fixture: ClusterFixture,
    private readonly writers: number,
  ) {}

  start(): void {
    this.running = Promise.all(Array.from({ length: this.writers }, () => this.writer())).then(() => undefined);
  }

  /** Stops starting creates; a create under way finishes its retries. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  created(): number {
    return this.creates.filter((create) => create.taskId).length;
  }

  /** Resolves once `count` more creates have been answered 201 (the load goes on meanwhile). */
  async progress(count: number, what: string, timeoutMs = 30_000): Promise<void> {
    const target = this.created() + count;
    await waitFor(() => this.created() >= target, timeoutMs, `${count} creates ${what}`);
  }

  /** Every attempt that was not answered 201. */
  failedAttempts(): Attempt[] {
    return this.creates.flatMap((create) => create.attempts.filter((attempt) => attempt.status !== 201));
  }

  private async writer(): Promise<void> {
    const { realtime, owner } = this.fixture;
    while (!this.stopped) {
      const create: Create = { title: `cluster-${this.next++}`, key: randomUUID(), attempts: [] };
      this.creates.push(create);
      for (let attempt = 0; attempt < MAX_ATTEMPTS && !create.taskId; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
        const start = Date.now();
        const response = await realtime.api
          .post('/api/tasks', { title: create.title }, { token: owner.accessToken, headers: { 'idempotency-key': create.key } })
          .catch(() => ({ status: 0, body: undefined }));
        create.attempts.push({ start, end: Date.now(), status: response.status });
        if (response.status === 201) create.taskId = (response.body as { id: string }).id;
      }
    }
  }
}

/**
 * How long requests failed after a fault at `faultAt` (failed attempts that started before the
 * next fault): `sentMs`, from the fault to the start of the last attempt that failed (every
 * request sent later succeeded at once), and `answeredMs`, to the end of that failed attempt
 * (a reply lost with the node is only known to be lost at the request timeout). 0 when none failed.
 */
export function failureWindow(load: CreateLoad, faultAt: number, nextFaultAt = Number.POSITIVE_INFINITY): { failed: number; sentMs: number; answeredMs: number } {
  const failed = load.failedAttempts().filter((attempt) => attempt.end >= faultAt && attempt.start < nextFaultAt);
  return {
    failed: failed.length,
    sentMs: Math.max(0, ...failed.map((attempt) => attempt.start - faultAt)),
    answeredMs: Math.max(0, ...failed.map((attempt) => attempt.end - faultAt)),
  };
}

/** How many of each value: a value seen twice is a duplicate, an expected one missing is lost. */
function counts(values: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const value of values) seen.set(value, (seen.get(value) ?? 0) + 1);
  return seen;
}

export interface Delivery {
  /** Tasks committed, as PostgreSQL has them, by title. */
  committed: Map<string, number>;
  /** task.created events of the load's tasks in the stream, the event log and at the owner's socket, by task id. */
  stream: Map<string, number>;
  eventLog: Map<string, number>;
  socket: Map<string, number>;
  /** From the call to the outbox having no unpublished row. */
  outboxDrainedMs: number;
}

/**
 * Where every task the load created ended up, once the relay's backlog has drained and the
 * consumers have caught up (waits for both; fails if they never do).
 */
export async function deliveryOf(fixture: ClusterFixture, load: CreateLoad, since: Date): Promise<Delivery> {
  const { realtime, owner, socket, admin } = fixture;
  const ids = new Set(load.creates.flatMap((create) => (create.taskId ? [create.taskId] : [])));
  const db = new pg.Client({ connectionString: realtime.stack.env.DATABASE_URL });
  await db.connect();
  try {
    const drainStart = Date.now();
    await waitFor(async () => (await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]!.n === '0', 60_000, 'the outbox to drain');
    const outboxDrainedMs = Date.now() - drainStart;
    const { rows } = await db.query<{ title: string }>("SELECT title FROM tasks WHERE owner_id = $1 AND title LIKE 'cluster-%'", [owner.user.id]);
    const committed = counts(rows.map((row) => row.title));

    const mongo = await mongoose.createConnection(realtime.stack.env.MONGODB_URI!).asPromise();
    try {
      const logged = async () => (await mongo.db!.collection('event_logs').find({ type: 'task.created', taskId: { $in: [...ids] } }, { projection: { taskId: 1 } }).toArray()).map((doc) => String(doc.taskId));
      await waitFor(async () => new Set(await logged()).size === ids.size, 60_000, 'every task.created in the event log');
      const delivered = () => socket.matching('task:created', (event: { taskId: string }) => ids.has(event.taskId)).map((event) => (event as { taskId: string }).taskId);
      await waitFor(() => new Set(delivered()).size === ids.size, 60_000, "every task:created at the owner's socket");
      // Retried: right after the last restart the admin connection's JetStream API requests may
      // time out while the cluster settles (a CI run failed on one), and a fetch may end early.
      const stored = await waitFor(async () => {
        const events = await readStreamEvents<TaskEvent>(admin, TASK_EVENTS_STREAM, since, (event) => event.type === 'task.created' && ids.has(event.taskId));
        return new Set(events.map((event) => event.taskId)).size === ids.size ? events : undefined;
      }, 60_000, 'every task.created read back from the stream');
      return { committed, stream: counts(stored.map((event) => event.taskId)), eventLog: counts(await logged()), socket: counts(delivered()), outboxDrainedMs };
    } finally {
      await mongo.close();
    }
  } finally {
    await db.end();
  }
}

/** Values that do not appear exactly once: the duplicates (count > 1) of a delivery. */
function notOnce(seen: Map<string, number>): [string, number][] {
  return [...seen].filter(([, count]) => count !== 1);
}

/**
 * 0 failed beyond retries (every create answered 201 in the end), 0 lost and 0 duplicated:
 * one task per create, and one event per task in the stream, the event log and at its socket.
 */
export function expectEveryCreateOnceEverywhere(load: CreateLoad, delivery: Delivery): void {
  expect(load.creates.filter((create) => !create.taskId).map((create) => create.title)).toEqual([]);
  expect(notOnce(delivery.committed)).toEqual([]);
  expect(delivery.committed.size).toBe(load.creates.length);
  for (const where of [delivery.stream, delivery.eventLog, delivery.socket]) {
    expect(notOnce(where)).toEqual([]);
    expect(where.size).toBe(load.creates.length);
  }
}
