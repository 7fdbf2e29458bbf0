import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { headers, type Subscription } from '@nats-io/transport-node';
import { NOTIFICATION_CREATED_SUBJECT, RealtimeContract, type NotificationCreatedMessage, type NotificationDto, type TaskDto } from '#contracts';
import { DEVELOPMENT_SIGNING_KEY } from '#config';
import { generateSigningKey } from '#auth';
import { ACCESS_TOKEN_HEADER } from '#nats';
import { connectError, fakeTasksResponder, forgedTokens, freePort, makeTaskEvent, mintAccessToken, startService, testEnv, waitFor, type EventLog, type TokenHolder } from '#testing';
import { actorOf, RealtimeContext, type Replica } from './factories/realtime-context.js';

const ctx = new RealtimeContext();
let replica: Replica;
let responder: Subscription[];
/** What the fake tasks-service lets each user see: taskId → task, and users → collaborators. */
const tasks = new Map<string, TaskDto>();
const collaborators = new Map<string, string[]>();

beforeAll(async () => {
  await ctx.open();
  responder = fakeTasksResponder(ctx.nc, {
    get: (actor, taskId) => {
      const task = tasks.get(taskId);
      if (!task) return undefined;
      return actor.role === 'admin' || task.ownerId === actor.id || task.assigneeIds.includes(actor.id) ? task : undefined;
    },
    collaborators: (actor) => collaborators.get(actor.id),
  });
  replica = await ctx.startReplica({ PRESENCE_TTL_S: '10' });
});
afterEach(() => ctx.closeSockets());
afterAll(async () => {
  for (const subscription of responder ?? []) subscription.unsubscribe();
  await ctx.close();
});

/** Publishes an event to `users` only and waits until each of their sockets has it: later checks see everything before it. */
async function barrier(logs: EventLog[], users: TokenHolder[]): Promise<void> {
  const sentinel = await ctx.publish(makeTaskEvent({ audience: users.map((user) => user.id) }));
  await Promise.all(logs.map((log) => log.waitFor('task:created', (event) => event.eventId === sentinel.eventId)));
}

const countOf = (log: EventLog, name: string, eventId: string) => log.matching(name, (event) => event.eventId === eventId).length;

describe('handshake', () => {
  it('refuses a missing, bad, foreign or expired token with connect_error "Unauthorized"', async () => {
    const expired = mintAccessToken({ ttlSeconds: -10 });
    const foreign = mintAccessToken({ signingKey: generateSigningKey(DEVELOPMENT_SIGNING_KEY.kid) });
    const good = mintAccessToken();
    const [header, , signature] = good.token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: good.id, role: 'admin', sid: good.sessionId })).toString('base64url')}.${signature}`;
    for (const token of [undefined, '', 'not-a-token', foreign.token, expired.token, tampered]) {
      expect(await connectError(ctx.client(replica, token))).toBe('Unauthorized');
    }
  });

  it('emits auth:expired, then disconnects the socket, when its token expires', async () => {
    const user = await ctx.user('member', 2);
    const log = await ctx.socket(replica, user);
    await log.waitFor('auth:expired', undefined, 5000);
    expect(await log.waitFor('disconnect')).toBe('io server disconnect');
    expect(log.events.map((event) => event.name)).toEqual(['auth:expired', 'disconnect']);
  });
});

describe('task events', () => {
  it('terminate a message their contract refuses, count it, and go on with the next', async () => {
    const user = await ctx.user();
    const log = await ctx.socket(replica, user);
    const refused = makeTaskEvent({ audience: [user.id] });
    await ctx.js.publish('tasks.events.created', JSON.stringify({ ...refused, labels: ['urgent'] }), { msgID: refused.eventId });
    const next = await ctx.publish(makeTaskEvent({ audience: [user.id] }));
    await log.waitFor('task:created', (event) => event.eventId === next.eventId);
    // One consumer, in stream order: the refused message was settled before the next one.
    expect(countOf(log, 'task:created', refused.eventId)).toBe(0);
    const rejected = /realtime_messages_rejected_total\{[^}]*subject="tasks\.events"[^}]*\} [1-9]/;
    await waitFor(async () => rejected.test(await (await fetch(`${replica.baseUrl}/metrics`)).text()) || undefined, 5000, 'the rejection counted');
  });

  it('reach every socket of every audience user and admins exactly once, and nobody else', async () => {
    const [owner, assignee, admin, outsider] = await Promise.all([ctx.user(), ctx.user(), ctx.user('admin'), ctx.user()]);
    const ownerSockets = [await ctx.socket(replica, owner), await ctx.socket(replica, owner)];
    const assigneeSocket = await ctx.socket(replica, assignee);
    const adminSocket = await ctx.socket(replica, admin);
    const outsiderSocket = await ctx.socket(replica, outsider);
    const readers = [...ownerSockets, assigneeSocket, adminSocket];

    const event = await ctx.publish(
      makeTaskEvent({
        type: 'task.assigned',
        task: { ownerId: owner.id, assigneeIds: [assignee.id] },
        actorId: owner.id,
        changes: { assigneeIds: { from: [], to: [assignee.id] } },
        // A duplicate in the audience still gives one delivery.
        audience: [owner.id, assignee.id, owner.id],
      }),
    );
    const received = await Promise.all(readers.map((log) => log.waitFor('task:assigned', (e) => e.eventId === event.eventId)));
    for (const payload of received) {
      expect(payload).not.toHaveProperty('audience');
      expect(payload).toMatchObject({ eventId: event.eventId, type: 'task.assigned', taskId: event.taskId, task: { id: event.taskId }, changes: event.changes });
    }

    await barrier([...readers, outsiderSocket], [owner, assignee, outsider]);
    for (const log of readers) expect(countOf(log, 'task:assigned', event.eventId)).toBe(1);
    expect(countOf(outsiderSocket, 'task:assigned', event.eventId)).toBe(0);
  });

  it('maps each event type to its socket event', async () => {
    const owner = await ctx.user();
    const log = await ctx.socket(replica, owner);
    const taskId = makeTaskEvent().taskId;
    for (const [type, name] of [
      ['task.created', 'task:created'],
      ['task.updated', 'task:updated'],
      ['task.assigned', 'task:assigned'],
      ['task.unassigned', 'task:unassigned'],
      ['task.deleted', 'task:deleted'],
    ] as const) {
      const event = await ctx.publish(makeTaskEvent({ type, taskId, task: { ownerId: owner.id }, audience: [owner.id] }));
      await log.waitFor(name, (e) => e.eventId === event.eventId);
    }
  });
});

describe('task subscriptions', () => {
  it('deliver a visible task\'s events to its subscribers, once, until they unsubscribe', async () => {
    const [owner, assignee] = await Promise.all([ctx.user(), ctx.user()]);
    const task = makeTaskEvent({ task: { ownerId: owner.id, assigneeIds: [assignee.id] } }).task;
    tasks.set(task.id, task);
    const subscriber = await ctx.socket(replica, assignee);
    expect(await subscriber.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });

    // Not in the audience (say, the list of the event is owner-only): the task room still reaches it.
    const first = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, audience: [owner.id] }));
    await subscriber.waitFor('task:updated', (e) => e.eventId === first.eventId);
    // In the audience and subscribed: still once.
    const second = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, audience: [owner.id, assignee.id] }));
    await subscriber.waitFor('task:updated', (e) => e.eventId === second.eventId);

    expect(await subscriber.socket.emitWithAck('task:unsubscribe', { taskId: task.id })).toEqual({ ok: true });
    const third = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, audience: [owner.id] }));
    await barrier([subscriber], [assignee]);
    expect(countOf(subscriber, 'task:updated', first.eventId)).toBe(1);
    expect(countOf(subscriber, 'task:updated', second.eventId)).toBe(1);
    expect(countOf(subscriber, 'task:updated', third.eventId)).toBe(0);
  });

  it('refuse a task the user cannot see, an unknown one and a malformed id', async () => {
    const [owner, stranger] = await Promise.all([ctx.user(), ctx.user()]);
    const task = makeTaskEvent({ task: { ownerId: owner.id } }).task;
    tasks.set(task.id, task);
    const log = await ctx.socket(replica, stranger);
    expect(await log.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: false, error: 'Task not found' });
    expect(await log.socket.emitWithAck('task:subscribe', { taskId: makeTaskEvent().taskId })).toEqual({ ok: false, error: 'Task not found' });
    expect(await log.socket.emitWithAck('task:subscribe', { taskId: 'nope' })).toMatchObject({ ok: false });
    expect(await log.socket.emitWithAck('task:subscribe', null as never)).toMatchObject({ ok: false });

    // And the refused subscription delivers nothing.
    const event = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, audience: [owner.id] }));
    await barrier([log], [stranger]);
    expect(countOf(log, 'task:updated', event.eventId)).toBe(0);
  });

  it('end when the subscriber is unassigned', async () => {
    const [owner, assignee] = await Promise.all([ctx.user(), ctx.user()]);
    const task = makeTaskEvent({ task: { ownerId: owner.id, assigneeIds: [assignee.id] } }).task;
    tasks.set(task.id, task);
    const log = await ctx.socket(replica, assignee);
    expect(await log.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });
    const after = { ...task, assigneeIds: [], version: 2 };
    const unassigned = await ctx.publish(
      makeTaskEvent({ type: 'task.unassigned', taskId: task.id, task: after, audience: [owner.id, assignee.id], changes: { assigneeIds: { from: [assignee.id], to: [] } } }),
    );
    await log.waitFor('task:unassigned', (e) => e.eventId === unassigned.eventId);
    const later = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task: after, audience: [owner.id] }));
    await barrier([log], [assignee]);
    expect(countOf(log, 'task:updated', later.eventId)).toBe(0);
  });
});

describe('notifications', () => {
  it('notification:new reaches every socket of its user only', async () => {
    const [user, other] = await Promise.all([ctx.user(), ctx.user()]);
    const mine = [await ctx.socket(replica, user), await ctx.socket(replica, user)];
    const theirs = await ctx.socket(replica, other);
    const notification = (id: string): NotificationDto => ({
      id,
      eventId: makeTaskEvent().eventId,
      type: 'task.assigned',
      taskId: makeTaskEvent().taskId,
      actorId: other.id,
      taskTitle: 'A task',
      read: false,
      createdAt: new Date().toISOString(),
      readAt: null,
    });
    const first: NotificationCreatedMessage = { userId: user.id, notification: notification(makeTaskEvent().eventId) };
    ctx.nc.publish(NOTIFICATION_CREATED_SUBJECT, JSON.stringify(first));
    for (const log of mine) expect(await log.waitFor('notification:new', (n) => n.id === first.notification.id)).toEqual(first.notification);

    // Nest's {pattern, data} packet is understood too; it also serves as a barrier for `other`.
    const second: NotificationCreatedMessage = { userId: other.id, notification: notification(makeTaskEvent().eventId) };
    ctx.nc.publish(NOTIFICATION_CREATED_SUBJECT, JSON.stringify({ pattern: NOTIFICATION_CREATED_SUBJECT, data: second }));
    await theirs.waitFor('notification:new', (n) => n.id === second.notification.id);
    expect(theirs.matching('notification:new')).toHaveLength(1);
    for (const log of mine) expect(log.matching('notification:new')).toHaveLength(1);
  });
});

describe('presence', () => {
  it('lists a connected user for admins, and drops them after they disconnect', async () => {
    const [admin, user] = await Promise.all([ctx.user('admin'), ctx.user()]);
    const first = await ctx.socket(replica, user);
    const second = await ctx.socket(replica, user);
    const online = await waitFor(async () => (await ctx.presence(actorOf(admin))).items.find((item) => item.userId === user.id), 5000, 'user online');
    expect(Date.parse(online.lastSeenAt)).toBeGreaterThan(Date.now() - 10_000);

    // One socket left: still online.
    first.socket.disconnect();
    await first.waitFor('disconnect');
    expect((await ctx.presence(actorOf(admin))).items.map((item) => item.userId)).toContain(user.id);
    second.socket.disconnect();
    await waitFor(async () => !(await ctx.presence(actorOf(admin))).items.some((item) => item.userId === user.id), 5000, 'user offline');
  });

  it('shows a member only the online users they share tasks with (and themselves)', async () => {
    const [member, colleague, stranger, loner] = await Promise.all([ctx.user(), ctx.user(), ctx.user(), ctx.user()]);
    collaborators.set(member.id, [colleague.id]);
    for (const user of [member, colleague, stranger, loner]) await ctx.socket(replica, user);
    await waitFor(async () => (await ctx.presence(actorOf(member))).items.length === 2, 5000, 'member presence');
    expect((await ctx.presence(actorOf(member))).items.map((item) => item.userId).sort()).toEqual([member.id, colleague.id].sort());
    // tasks-service cannot say (the fake answers an error): only the caller.
    expect((await ctx.presence(actorOf(loner))).items.map((item) => item.userId)).toEqual([loner.id]);
  });

  it('takes the caller only from a verified token: a payload actor, a missing or a forged token get UNAUTHORIZED', async () => {
    const subject = RealtimeContract.presence.subject;
    const ask = async (token: string | undefined) => {
      const callerHeaders = headers();
      if (token !== undefined) callerHeaders.set(ACCESS_TOKEN_HEADER, token);
      const data = { actor: { id: randomUUID(), role: 'admin' } };
      const reply = await ctx.nc.request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), { timeout: 5000, headers: callerHeaders });
      return reply.json<{ err?: { code: string } }>().err?.code;
    };
    expect(await ask(undefined)).toBe('UNAUTHORIZED');
    for (const { name, token } of forgedTokens({ id: randomUUID(), role: 'admin' })) {
      expect({ name, code: await ask(token) }).toEqual({ name, code: 'UNAUTHORIZED' });
    }
  });
});

describe('HTTP', () => {
  it('serves liveness, readiness and metrics', async () => {
    expect((await fetch(`${replica.baseUrl}/health`)).status).toBe(200);
    const ready = await fetch(`${replica.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const user = await ctx.user();
    const log = await ctx.socket(replica, user);
    const event = await ctx.publish(makeTaskEvent({ audience: [user.id] }));
    await log.waitFor('task:created', (e) => e.eventId === event.eventId);
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${replica.baseUrl}/metrics`)).text();
      return /realtime_emit_lag_seconds_count\{[^}]*event="task:created"[^}]*\} [1-9]/.test(text) && text;
    }, 5000, 'emit metrics');
    expect(metrics).toMatch(/realtime_connected_sockets\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/realtime_events_emitted_total\{[^}]*event="task:created"/);
  });

  it('is live but not ready without Redis, and still exits 0 on SIGTERM', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const port = await freePort();
    const service = await startService('realtime-service', { ...testEnv(), PORT: String(port), REDIS_URL: deadRedis });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'Redis not ready', requestId: expect.any(String) });
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });

  it('answers errors in the SPEC shape', async () => {
    const response = await fetch(`${replica.baseUrl}/nope`, { headers: { 'x-request-id': 'rt-test-1' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String), requestId: 'rt-test-1' });
  });
});
