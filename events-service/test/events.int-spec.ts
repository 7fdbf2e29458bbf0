import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import mongoose, { type Connection } from 'mongoose';
import {
  EventsContract,
  NOTIFICATION_CREATED_SUBJECT,
  TASK_EVENTS_STREAM,
  type Actor,
  type EventLogDto,
  type NotificationCreatedMessage,
  type NotificationDto,
  type Page,
} from '#contracts';
import {
  connectAs,
  ensureEventStreams,
  forgedTokens,
  freePort,
  natsRequest,
  PrivateJongodb,
  startService,
  testEnv,
  tokenFor,
  waitFor,
  waitForConsumerDrained,
  type RunningService,
} from '#testing';
import { authEvent, newId, publishAuthEvent, publishRaw, publishTaskEvent, taskEvent } from './factories/events.js';

const RETENTION_DAYS = 30;
const MAX_DELIVER = 3;

let nc: NatsConnection;
let db: Connection;
let env: Record<string, string>;
let service: RunningService | undefined;

const member = (id = newId()): Actor => ({ id, role: 'member' });
const admin: Actor = { id: newId(), role: 'admin' };

async function start(): Promise<void> {
  service = await startService('events-service', env);
}

async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const running = service;
  service = undefined;
  return running ? running.stop(signal) : null;
}

const logCount = (eventId: string) => db.collection('event_logs').countDocuments({ eventId });
const notificationsOf = (eventId: string) => db.collection('notifications').find({ eventId }).toArray();
const waitLogged = (eventId: string, timeoutMs = 15000) => waitFor(async () => (await logCount(eventId)) > 0, timeoutMs, `event ${eventId} logged`);

/** A request as the gateway sends it for `caller`: their access token in the header. */
async function ok<T>(subject: string, data: unknown, caller?: Actor): Promise<T> {
  const reply = await natsRequest<T>(nc, subject, data, { accessToken: caller && tokenFor(caller) });
  if (reply.err) throw new Error(`${subject} failed: ${JSON.stringify(reply.err)}`);
  return reply.response as T;
}

async function errorOf(subject: string, data: unknown, caller?: Actor | string) {
  const reply = await natsRequest(nc, subject, data, { accessToken: typeof caller === 'string' ? caller : caller && tokenFor(caller) });
  return reply.err;
}

beforeAll(async () => {
  const sharedUri = process.env.TEST_MONGODB_URI;
  if (!sharedUri) throw new Error('TEST_MONGODB_URI is not set (run through jest: globalSetup resolves it)');
  // A database of its own: this suite sets its own retention (TTL index), which other suites' events-service must not meet.
  const mongoUri = sharedUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*/, '$1/taskflow_test_events_suite');
  // Plays tasks- and auth-service (publishes events), the gateway and a listener: the harness's admin.
  nc = await connectAs('test-admin');
  await ensureEventStreams(nc);
  db = await mongoose.createConnection(mongoUri, { autoCreate: false, autoIndex: false }).asPromise();
  env = {
    ...testEnv(),
    MONGODB_URI: mongoUri,
    HEALTH_PORT: String(await freePort()),
    EVENT_RETENTION_DAYS: String(RETENTION_DAYS),
    EVENTS_MAX_DELIVER: String(MAX_DELIVER),
    SHUTDOWN_GRACE_MS: '3000',
  };
  await start();
}, 60000);

afterAll(async () => {
  await stop();
  await db?.close();
  await nc?.close();
});

describe('events-service consumption', () => {
  it('logs a task event once and notifies every audience user but the actor, announcing each notification', async () => {
    const owner = newId();
    const [alice, bob] = [newId(), newId()];
    const event = taskEvent({ ownerId: owner, assigneeIds: [alice, bob] });
    const announced: NotificationCreatedMessage[] = [];
    const sub: Subscription = nc.subscribe(NOTIFICATION_CREATED_SUBJECT);
    void (async () => {
      for await (const msg of sub) {
        const message = msg.json<NotificationCreatedMessage>();
        if (message.notification.eventId === event.eventId) announced.push(message);
      }
    })();
    try {
      await publishTaskEvent(nc, event);
      await waitLogged(event.eventId);
      await waitFor(async () => (await notificationsOf(event.eventId)).length === 2, 10000, 'notifications');
      await waitFor(() => announced.length === 2, 5000, 'announcements');
    } finally {
      sub.unsubscribe();
    }
    expect(announced.map((m) => m.userId).sort()).toEqual([alice, bob].sort());

    const activity = await ok<Page<EventLogDto>>(EventsContract.taskActivity.subject, { taskId: event.taskId }, member(owner));
    expect(activity.items).toEqual([
      {
        eventId: event.eventId,
        type: 'task.updated',
        taskId: event.taskId,
        actorId: owner,
        occurredAt: event.occurredAt,
        requestId: event.requestId,
        task: event.task,
        changes: event.changes,
      },
    ]);

    const aliceInbox = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, {}, member(alice));
    expect(aliceInbox.unreadCount).toBe(1);
    expect(aliceInbox.items).toHaveLength(1);
    expect(aliceInbox.items[0]).toMatchObject({ eventId: event.eventId, type: 'task.updated', taskId: event.taskId, actorId: owner, taskTitle: 'Integration task', read: false, readAt: null });
    expect(aliceInbox.items[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(announced.find((m) => m.userId === alice)!.notification).toEqual(aliceInbox.items[0]);
    const ownerInbox = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, {}, member(owner));
    expect(ownerInbox).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  });

  it('logs auth events (no notifications); a member sees their own', async () => {
    const user = newId();
    const event = authEvent({ userId: user, actorId: user, type: 'user.login_failed', data: { email: 'x@example.com' } });
    await publishAuthEvent(nc, event);
    await waitLogged(event.eventId);
    expect(await notificationsOf(event.eventId)).toHaveLength(0);
    const mine = await ok<Page<EventLogDto>>(EventsContract.list.subject, {}, member(user));
    expect(mine.items).toEqual([{ eventId: event.eventId, type: 'user.login_failed', taskId: null, actorId: user, occurredAt: event.occurredAt, requestId: null, data: { email: 'x@example.com' } }]);
    const someoneElse = await ok<Page<EventLogDto>>(EventsContract.list.subject, { type: ['user.login_failed'] }, member());
    expect(someoneElse.items).toEqual([]);
  });

  it('keeps one entry and one notification per user when the same event is delivered again', async () => {
    const [owner, alice] = [newId(), newId()];
    const event = taskEvent({ ownerId: owner, assigneeIds: [alice] });
    // Different message ids, so JetStream stores both copies.
    await publishTaskEvent(nc, event, newId());
    await publishTaskEvent(nc, event, newId());
    const marker = taskEvent();
    await publishTaskEvent(nc, marker);
    await waitLogged(marker.eventId); // the consumer is in order: both copies were handled before it
    // A batch writes its log entries before its notifications.
    await waitFor(async () => (await notificationsOf(event.eventId)).length > 0, 10000, 'notification');
    expect(await logCount(event.eventId)).toBe(1);
    expect((await notificationsOf(event.eventId)).map((n) => n.userId)).toEqual([alice]);
  });

  it('completes an event whose processing was cut short before the ack, without duplicates', async () => {
    const [owner, alice, bob] = [newId(), newId(), newId()];
    const event = taskEvent({ ownerId: owner, assigneeIds: [alice, bob] });
    // As if a replica had written the entry and alice's notification, then died before acking.
    const notificationId = newId();
    await db.collection('event_logs').insertOne({ eventId: event.eventId, type: event.type, source: 'task', taskId: event.taskId, actorId: owner, userId: null, audience: event.audience, occurredAt: new Date(event.occurredAt), requestId: null, task: event.task, createdAt: new Date() });
    await db.collection('notifications').insertOne({ _id: notificationId as never, eventId: event.eventId, userId: alice, type: event.type, taskId: event.taskId, actorId: owner, taskTitle: event.task.title, read: false, readAt: null, createdAt: new Date(event.occurredAt) });
    await publishTaskEvent(nc, event);
    await waitFor(async () => (await notificationsOf(event.eventId)).length === 2, 10000, "bob's notification");
    expect(await logCount(event.eventId)).toBe(1);
    const notifications = await notificationsOf(event.eventId);
    expect(notifications.find((n) => n.userId === alice)!._id).toBe(notificationId);
  });

  it('stays exactly-once across a crash (SIGKILL) and a restart', async () => {
    const [owner, alice] = [newId(), newId()];
    const event = taskEvent({ ownerId: owner, assigneeIds: [alice] });
    await publishTaskEvent(nc, event);
    await waitLogged(event.eventId);
    expect(await stop('SIGKILL')).toBeNull();
    await publishTaskEvent(nc, event, newId()); // redelivered by the producer while we were down
    await start();
    const marker = taskEvent();
    await publishTaskEvent(nc, marker);
    await waitLogged(marker.eventId, 20000);
    await waitFor(async () => (await notificationsOf(event.eventId)).length > 0, 10000, 'notification');
    expect(await logCount(event.eventId)).toBe(1);
    expect(await notificationsOf(event.eventId)).toHaveLength(1);
  });

  it('logs every event published while it was stopped exactly once, after it starts', async () => {
    expect(await stop('SIGTERM')).toBe(0);
    const events = Array.from({ length: 5 }, () => taskEvent({ assigneeIds: [newId()] }));
    for (const event of events) await publishTaskEvent(nc, event);
    await start();
    for (const event of events) await waitLogged(event.eventId, 20000);
    // A batch writes every log entry, then every notification: wait for those too.
    for (const event of events) await waitFor(async () => (await notificationsOf(event.eventId)).length > 0, 10000, 'notification');
    for (const event of events) {
      expect(await logCount(event.eventId)).toBe(1);
      expect(await notificationsOf(event.eventId)).toHaveLength(1);
    }
  });

  it('parks a poison message in dead_letters and keeps processing the next one', async () => {
    const seqJson = await publishRaw(nc, 'tasks.events.updated', '{not json');
    const seqShape = await publishRaw(nc, 'tasks.events.updated', JSON.stringify({ ...taskEvent(), taskId: { $gt: '' } }));
    // A field the contract does not name is refused with its name, never dropped on the way to the log.
    const seqUnknown = await publishRaw(nc, 'tasks.events.updated', JSON.stringify({ ...taskEvent(), labels: ['urgent'] }));
    const next = taskEvent();
    await publishTaskEvent(nc, next);
    await waitLogged(next.eventId);
    const parked = await waitFor(
      async () => {
        const rows = await db.collection('dead_letters').find({ stream: TASK_EVENTS_STREAM, streamSequence: { $in: [seqJson, seqShape, seqUnknown] } }).toArray();
        return rows.length === 3 ? rows : undefined;
      },
      10000,
      'dead letters',
    );
    const byJson = parked.find((row) => row.streamSequence === seqJson)!;
    expect(byJson).toMatchObject({ subject: 'tasks.events.updated', raw: '{not json', encoding: 'utf8', kind: 'poison', reason: 'not valid JSON' });
    expect(byJson.deliveryCount).toBeLessThanOrEqual(MAX_DELIVER);
    expect(parked.find((row) => row.streamSequence === seqShape)!.reason).toMatch(/taskId/);
    expect(parked.find((row) => row.streamSequence === seqUnknown)!.reason).toMatch(/not a valid task event: .*Unrecognized key: "labels"/);
  });
});

/** A counter of the service's /metrics for task events (0 while it has never counted). */
async function taskCounter(name: string): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${env.HEALTH_PORT}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('source="task"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('events-service delivery', () => {
  it('handles each message once in a fault-free run: a backlog is worked off with no redelivery', async () => {
    await waitForConsumerDrained(nc, TASK_EVENTS_STREAM, 'events-service', 30000);
    const [deliveriesBefore, redeliveriesBefore] = [await taskCounter('events_deliveries_total'), await taskCounter('events_redeliveries_total')];
    const events = Array.from({ length: 600 }, () => taskEvent({ assigneeIds: [newId()] }));
    // Published at once, faster than they are written, so messages wait in the replica's queue.
    await Promise.all(events.map((event) => publishTaskEvent(nc, event)));
    const ids = events.map((event) => event.eventId);
    await waitFor(async () => (await db.collection('event_logs').countDocuments({ eventId: { $in: ids } })) === ids.length, 60000, 'backlog logged');
    await waitForConsumerDrained(nc, TASK_EVENTS_STREAM, 'events-service', 30000);
    expect((await taskCounter('events_deliveries_total')) - deliveriesBefore).toBeGreaterThanOrEqual(ids.length);
    expect((await taskCounter('events_redeliveries_total')) - redeliveriesBefore).toBe(0);
    expect(await db.collection('notifications').countDocuments({ eventId: { $in: ids } })).toBe(ids.length);
  }, 90000);
});

describe('events-service queries', () => {
  it('shows members only the entries of their audience; admins see all; filters apply', async () => {
    const [alice, bob] = [newId(), newId()];
    const aliceTask = taskEvent({ ownerId: alice });
    const bobTask = taskEvent({ ownerId: bob, type: 'task.created' });
    await publishTaskEvent(nc, aliceTask);
    await publishTaskEvent(nc, bobTask);
    await waitLogged(aliceTask.eventId);
    await waitLogged(bobTask.eventId);

    const aliceView = await ok<Page<EventLogDto>>(EventsContract.list.subject, {}, member(alice));
    expect(aliceView.items.map((e) => e.eventId)).toEqual([aliceTask.eventId]);
    expect((await ok<Page<EventLogDto>>(EventsContract.list.subject, { taskId: bobTask.taskId }, member(alice))).items).toEqual([]);

    const adminView = await ok<Page<EventLogDto>>(EventsContract.list.subject, { actorId: bob }, admin);
    expect(adminView.items.map((e) => e.eventId)).toEqual([bobTask.eventId]);
    const byType = await ok<Page<EventLogDto>>(EventsContract.list.subject, { actorId: bob, type: ['task.updated'] }, admin);
    expect(byType.items).toEqual([]);
    const future = await ok<Page<EventLogDto>>(EventsContract.list.subject, { actorId: bob, from: new Date(Date.now() + 3600_000).toISOString() }, admin);
    expect(future.items).toEqual([]);
  });

  it('pages newest first with an opaque cursor, and refuses a garbage cursor', async () => {
    const owner = newId();
    const taskId = newId();
    const base = Date.now() - 60_000;
    const events = [0, 1, 2].map((i) => taskEvent({ ownerId: owner, taskId, occurredAt: new Date(base + i * 1000).toISOString() }));
    for (const event of events) await publishTaskEvent(nc, event);
    for (const event of events) await waitLogged(event.eventId);

    const first = await ok<Page<EventLogDto>>(EventsContract.taskActivity.subject, { taskId, limit: 2 }, member(owner));
    expect(first.items.map((e) => e.eventId)).toEqual([events[2]!.eventId, events[1]!.eventId]);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await ok<Page<EventLogDto>>(EventsContract.taskActivity.subject, { taskId, limit: 2, cursor: first.nextCursor }, member(owner));
    expect(second).toEqual({ items: [expect.objectContaining({ eventId: events[0]!.eventId })], nextCursor: null });

    const listed = await ok<Page<EventLogDto>>(EventsContract.list.subject, { limit: 2, cursor: first.nextCursor }, member(owner));
    expect(listed.items.map((e) => e.eventId)).toEqual([events[0]!.eventId]);

    expect(await errorOf(EventsContract.list.subject, { cursor: 'garbage' }, member(owner))).toEqual({ code: 'VALIDATION', message: ['cursor is not a valid cursor'] });
    expect(await errorOf(EventsContract.listNotifications.subject, { cursor: first.nextCursor }, member(owner))).toEqual({
      code: 'VALIDATION',
      message: ['cursor is not a valid cursor'],
    });
  });

  it('lets a user read only their own notifications', async () => {
    const [owner, alice, bob] = [newId(), newId(), newId()];
    const events = [taskEvent({ ownerId: owner, assigneeIds: [alice, bob] }), taskEvent({ ownerId: owner, assigneeIds: [alice] })];
    for (const event of events) await publishTaskEvent(nc, event);
    for (const event of events) await waitFor(async () => (await notificationsOf(event.eventId)).length > 0, 10000, 'notifications');

    const inbox = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, { limit: 1 }, member(alice));
    expect(inbox.unreadCount).toBe(2);
    expect(inbox.items).toHaveLength(1);
    expect(inbox.nextCursor).not.toBeNull();
    const bobInbox = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, {}, member(bob));
    const bobsId = bobInbox.items[0]!.id;

    expect(await errorOf(EventsContract.markRead.subject, { notificationId: bobsId }, member(alice))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(EventsContract.markRead.subject, { notificationId: newId() }, member(alice))).toMatchObject({ code: 'NOT_FOUND' });

    const read = await ok<NotificationDto>(EventsContract.markRead.subject, { notificationId: inbox.items[0]!.id }, member(alice));
    expect(read.read).toBe(true);
    expect(read.readAt).not.toBeNull();
    const again = await ok<NotificationDto>(EventsContract.markRead.subject, { notificationId: inbox.items[0]!.id }, member(alice));
    expect(again.readAt).toBe(read.readAt);

    const unread = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, { unread: 'true' }, member(alice));
    expect(unread.unreadCount).toBe(1);
    expect(unread.items).toHaveLength(1);
    expect(unread.items[0]!.read).toBe(false);

    expect(await ok(EventsContract.readAll.subject, {}, member(alice))).toEqual({ updated: 1 });
    expect(await ok(EventsContract.readAll.subject, {}, member(alice))).toEqual({ updated: 0 });
    const bobAfter = await ok<Page<NotificationDto> & { unreadCount: number }>(EventsContract.listNotifications.subject, {}, member(bob));
    expect(bobAfter.unreadCount).toBe(1);
  });

  it.each([
    ['events.list taskId operator', EventsContract.list.subject, { taskId: { $gt: '' } }],
    ['events.list $where type', EventsContract.list.subject, { type: ['$where'] }],
    ['events.list actorId operator', EventsContract.list.subject, { actorId: { $ne: null } }],
    ['events.list unknown field', EventsContract.list.subject, { $where: 'sleep(1000)' }],
    ['task-activity taskId operator', EventsContract.taskActivity.subject, { taskId: { $gt: '' } }],
    ['mark-read id operator', EventsContract.markRead.subject, { notificationId: { $ne: null } }],
    ['notifications unread operator', EventsContract.listNotifications.subject, { unread: { $ne: true } }],
  ])('refuses injection-shaped values (%s) with VALIDATION', async (_, subject, data) => {
    expect(await errorOf(subject, { ...data }, member())).toMatchObject({ code: 'VALIDATION' });
  });

  it.each([EventsContract.list, EventsContract.taskActivity, EventsContract.listNotifications, EventsContract.markRead, EventsContract.readAll].map((c) => [c.subject]))(
    '%s refuses a missing or forged token with UNAUTHORIZED, and a payload actor is no caller',
    async (subject) => {
      const data = { actor: admin, taskId: newId(), notificationId: newId() };
      expect(await errorOf(subject, data)).toMatchObject({ code: 'UNAUTHORIZED' });
      for (const { name, token } of forgedTokens(admin)) {
        expect({ name, err: await errorOf(subject, data, token) }).toMatchObject({ name, err: { code: 'UNAUTHORIZED' } });
      }
    },
  );
});

describe('events-service storage', () => {
  it('has the unique and TTL indexes, the TTL from EVENT_RETENTION_DAYS', async () => {
    const logIndexes = await db.collection('event_logs').listIndexes().toArray();
    expect(logIndexes.find((i) => i.name === 'createdAt_ttl')).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: RETENTION_DAYS * 86400 });
    expect(logIndexes.find((i) => i.name === 'eventId_unique')).toMatchObject({ key: { eventId: 1 }, unique: true });
    const notificationIndexes = await db.collection('notifications').listIndexes().toArray();
    expect(notificationIndexes.find((i) => i.name === 'eventId_userId_unique')).toMatchObject({ key: { eventId: 1, userId: 1 }, unique: true });
  });

  it('answers ping and serves readiness', async () => {
    expect(await ok(EventsContract.ping.subject, {})).toEqual({ service: 'events-service' });
    const ready = await fetch(`http://127.0.0.1:${env.HEALTH_PORT}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${env.HEALTH_PORT}/metrics`)).text();
    expect(metrics).toMatch(/events_dead_lettered_total\{source="task",kind="poison",service="events-service"\} [1-9]/);
  });

  it('creates its indexes again when MongoDB comes back empty, so duplicates are still refused', async () => {
    const mongo = await PrivateJongodb.start();
    const privateUri = mongo.url('taskflow_test_events_restart');
    const sharedEnv = env;
    let privateDb: Connection | undefined;
    try {
      await stop();
      env = { ...sharedEnv, MONGODB_URI: privateUri };
      await start();
      await mongo.restartEmpty(); // behind its back: same address, no data, no indexes
      const event = taskEvent({ assigneeIds: [newId()] });
      await publishTaskEvent(nc, event);
      privateDb = await mongoose.createConnection(privateUri, { autoCreate: false, autoIndex: false }).asPromise();
      const logged = privateDb.collection('event_logs');
      const notifications = privateDb.collection('notifications');
      await waitFor(async () => (await logged.countDocuments({ eventId: event.eventId })) === 1, 20000, 'event logged in the emptied database');
      const names = async (collection: typeof logged) => (await collection.listIndexes().toArray().catch(() => [])).map((index) => index.name as string);
      await waitFor(
        async () => (await names(logged)).includes('eventId_unique') && (await names(logged)).includes('createdAt_ttl') && (await names(notifications)).includes('eventId_userId_unique'),
        10000,
        'indexes recreated',
      );
      const ttl = (await logged.listIndexes().toArray()).find((index) => index.name === 'createdAt_ttl');
      expect(ttl).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: RETENTION_DAYS * 86400 });
      await expect(logged.insertOne({ eventId: event.eventId, createdAt: new Date() })).rejects.toMatchObject({ code: 11000 });
      const [notification] = await notifications.find({ eventId: event.eventId }).toArray();
      await expect(notifications.insertOne({ _id: newId() as never, eventId: event.eventId, userId: notification!.userId })).rejects.toMatchObject({ code: 11000 });
    } finally {
      await stop();
      env = sharedEnv;
      await privateDb?.close();
      await mongo.stop();
      await start();
    }
  }, 90000);
});
