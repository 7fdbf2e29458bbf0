import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { TASK_EVENTS_STREAM, type TaskEvent } from '#contracts';
import { typeOrmOptions } from '#postgres';
import { natsConnectionOptions } from '#nats';
import { connectAs, freePort, testEnv, waitFor } from '#testing';
import { OutboxEntity } from '../src/outbox/outbox.entity.js';
import { OutboxRelay, OutboxSignal } from '#outbox';
import { TASK_EVENTS_STREAM_CONFIG, taskEventOrderingKey, TASKS_OUTBOX_TABLE } from '../src/outbox/task-events.outbox.js';
import { TasksService } from '../src/tasks/tasks.service.js';
import { isolatedDatabaseUrl, member, startTasksApp, tasksTestEnv } from './factories/tasks-context.js';

let databaseUrl: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
let dataSource: DataSource;

beforeAll(async () => {
  databaseUrl = await isolatedDatabaseUrl('tasks_outbox');
  // Reads stored messages (STREAM.MSG.GET), which no service role may: the harness's admin.
  nc = await connectAs('test-admin');
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await dataSource?.destroy();
  await nc?.close();
});

/** The relay connects as tasks-service does: its credentials, its permissions. */
function relayConnection(url: string, name: string) {
  return natsConnectionOptions({ NATS_URL: [url] }, 'tasks-service', name);
}

async function lastSequence(): Promise<number> {
  try {
    return (await jsm.streams.info(TASK_EVENTS_STREAM)).state.last_seq;
  } catch {
    return 0;
  }
}

/** Every stored event after `afterSeq` whose eventId is one of ours, as often as it is stored. */
async function storedEvents(afterSeq: number, eventIds: Set<string>): Promise<{ subject: string; msgId: string | undefined; event: TaskEvent }[]> {
  const last = await lastSequence();
  const found = [];
  for (let seq = afterSeq + 1; seq <= last; seq += 1) {
    const message = await jsm.streams.getMessage(TASK_EVENTS_STREAM, { seq });
    if (!message) continue;
    const event = message.json<TaskEvent>();
    if (eventIds.has(event.eventId)) found.push({ subject: message.subject, msgId: message.header.get('Nats-Msg-Id'), event });
  }
  return found;
}

async function unpublished(eventIds: string[]): Promise<number> {
  const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL', [eventIds]);
  return count as number;
}

describe('outbox relay', () => {
  it('keeps events written while NATS is unreachable and publishes each exactly once, even with two relays', async () => {
    const startSeq = await lastSequence();
    // tasks-service whose relay is stopped (as if NATS were away): writes still commit, with their events.
    let app: INestApplicationContext | undefined = await startTasksApp({ DATABASE_URL: databaseUrl });
    await app.get(OutboxRelay).stop();
    const tasks = app.get(TasksService);
    const owner = member();
    const created: Awaited<ReturnType<TasksService['create']>>[] = [];
    // More than one relay batch (50 below), so both relays get work.
    for (let i = 0; i < 130; i += 1) created.push(await tasks.create(owner, { title: `Outbox task ${i}` }));
    const updated = await tasks.update(owner, { taskId: created[0]!.id, version: 1, status: 'done' });
    await tasks.delete(owner, { taskId: created[1]!.id });
    const closing = Date.now();
    await app.close();
    app = undefined;
    expect(Date.now() - closing).toBeLessThan(3000);

    dataSource = new DataSource(typeOrmOptions(tasksTestEnv({ DATABASE_URL: databaseUrl }), { service: 'tasks-service-test', entities: [OutboxEntity], migrations: [] }));
    await dataSource.initialize();
    const rows = (await dataSource.query(
      `SELECT event_id, payload->>'taskId' AS task_id FROM outbox WHERE payload->>'taskId' = ANY($1::text[]) ORDER BY id`,
      [created.map((task) => task.id)],
    )) as { event_id: string; task_id: string }[];
    const eventIds = rows.map((row) => row.event_id);
    expect(eventIds).toHaveLength(132);
    expect(await unpublished(eventIds)).toBe(132);

    // A relay that cannot reach NATS publishes nothing, loses nothing, and stops promptly.
    const deadRelay = new OutboxRelay(dataSource, new OutboxSignal(), { connection: relayConnection(`nats://127.0.0.1:${await freePort()}`, 'outbox-test-dead'), pollMs: 50, table: TASKS_OUTBOX_TABLE, stream: TASK_EVENTS_STREAM_CONFIG, replicas: 1, orderingKey: taskEventOrderingKey });
    deadRelay.start();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few connection attempts; nothing to wait for
    const stopping = Date.now();
    await deadRelay.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
    expect(await unpublished(eventIds)).toBe(132);

    // NATS reachable again: two relays at once.
    const relays = [1, 2].map((n) => new OutboxRelay(dataSource, new OutboxSignal(), { connection: relayConnection(testEnv().NATS_URL!, `outbox-test-${n}`), pollMs: 50, batchSize: 50, table: TASKS_OUTBOX_TABLE, stream: TASK_EVENTS_STREAM_CONFIG, replicas: 1, orderingKey: taskEventOrderingKey }));
    relays.forEach((relay) => relay.start());
    try {
      await waitFor(async () => (await unpublished(eventIds)) === 0, 20000, 'outbox drained');
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }

    const stored = await storedEvents(startSeq, new Set(eventIds));
    expect(stored).toHaveLength(132);
    expect(new Set(stored.map((s) => s.event.eventId)).size).toBe(132);
    // Each task's events in outbox order (acks are awaited in a window, so tasks interleave), with the eventId as the JetStream message id.
    const inOrderOf = (list: { eventId: string; taskId: string }[]) => created.map((task) => list.filter((e) => e.taskId === task.id).map((e) => e.eventId));
    expect(inOrderOf(stored.map((s) => s.event))).toEqual(inOrderOf(rows.map((row) => ({ eventId: row.event_id, taskId: row.task_id }))));
    expect(stored.every((s) => s.msgId === s.event.eventId)).toBe(true);

    const update = stored.find((s) => s.event.type === 'task.updated')!;
    expect(update.subject).toBe('tasks.events.updated');
    expect(update.event).toEqual({
      eventId: expect.any(String),
      type: 'task.updated',
      taskId: created[0]!.id,
      projectId: null,
      actorId: owner.id,
      occurredAt: expect.any(String),
      task: updated,
      changes: { status: { from: 'todo', to: 'done' } },
      audience: [owner.id],
      requestId: null,
    });
    const deleted = stored.find((s) => s.event.type === 'task.deleted')!;
    expect(deleted.subject).toBe('tasks.events.deleted');
    expect(deleted.event.task).toEqual(created[1]);
  });

  it('a relay that publishes again after a crash stores nothing twice (message-id dedupe)', async () => {
    dataSource ??= new DataSource(typeOrmOptions(tasksTestEnv({ DATABASE_URL: databaseUrl }), { service: 'tasks-service-test', entities: [OutboxEntity], migrations: [] }));
    if (!dataSource.isInitialized) await dataSource.initialize();
    const [row] = (await dataSource.query(`SELECT event_id FROM outbox WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT 1`)) as { event_id: string }[];
    const startSeq = await lastSequence();
    // As if the relay had crashed after publishing but before marking the row.
    await dataSource.query('UPDATE outbox SET published_at = NULL WHERE event_id = $1', [row!.event_id]);
    const relay = new OutboxRelay(dataSource, new OutboxSignal(), { connection: relayConnection(testEnv().NATS_URL!, 'outbox-test-replay'), pollMs: 50, table: TASKS_OUTBOX_TABLE, stream: TASK_EVENTS_STREAM_CONFIG, replicas: 1, orderingKey: taskEventOrderingKey });
    relay.start();
    try {
      await waitFor(async () => (await unpublished([row!.event_id])) === 0, 10000, 'row re-published');
    } finally {
      await relay.stop();
    }
    expect(await storedEvents(startSeq, new Set([row!.event_id]))).toHaveLength(0);
  });
});
