import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/transport-node';
import { NOTIFICATION_CREATED_SUBJECT, type TaskDto } from '#contracts';
import { fakeTasksResponder, makeTaskEvent, waitFor, type EventLog } from '#testing';
import { actorOf, RealtimeContext, type Replica } from './factories/realtime-context.js';

/** Two replicas on one Redis and one NATS: every socket gets each event once, whichever replica consumed it. */
const ctx = new RealtimeContext();
let a: Replica;
let b: Replica;
let responder: Subscription[];
const tasks = new Map<string, TaskDto>();
const PRESENCE_TTL_S = 2;

beforeAll(async () => {
  await ctx.open();
  responder = fakeTasksResponder(ctx.nc, {
    get: (actor, taskId) => {
      const task = tasks.get(taskId);
      return task && (actor.role === 'admin' || task.ownerId === actor.id || task.assigneeIds.includes(actor.id)) ? task : undefined;
    },
  });
  [a, b] = await Promise.all([ctx.startReplica({ PRESENCE_TTL_S: String(PRESENCE_TTL_S) }), ctx.startReplica({ PRESENCE_TTL_S: String(PRESENCE_TTL_S) })]);
}, 60000);
afterAll(async () => {
  for (const subscription of responder ?? []) subscription.unsubscribe();
  await ctx.close();
});

const countOf = (log: EventLog, name: string, eventId: string) => log.matching(name, (event) => event.eventId === eventId).length;

describe('two replicas', () => {
  it('deliver every event once to each socket, whichever replica holds it', async () => {
    const [owner, admin, outsider] = await Promise.all([ctx.user(), ctx.user('admin'), ctx.user()]);
    const readers = [await ctx.socket(a, owner), await ctx.socket(b, owner), await ctx.socket(a, admin), await ctx.socket(b, admin)];
    const outsiders = [await ctx.socket(a, outsider), await ctx.socket(b, outsider)];

    // Several events, so both replicas' consumers take some.
    const events = [];
    for (let i = 0; i < 20; i += 1) events.push(await ctx.publish(makeTaskEvent({ type: 'task.updated', task: { ownerId: owner.id }, audience: [owner.id] })));
    for (const log of readers) {
      for (const event of events) await log.waitFor('task:updated', (e) => e.eventId === event.eventId);
    }
    // Barrier: a later event to everyone, outsider included, has reached every socket.
    const sentinel = await ctx.publish(makeTaskEvent({ audience: [owner.id, outsider.id] }));
    for (const log of [...readers, ...outsiders]) await log.waitFor('task:created', (e) => e.eventId === sentinel.eventId);

    for (const log of readers) for (const event of events) expect(countOf(log, 'task:updated', event.eventId)).toBe(1);
    for (const log of outsiders) expect(log.matching('task:updated')).toHaveLength(0);
  });

  it('deliver to a subscriber on the other replica, and notifications to every socket of the user', async () => {
    const [owner, assignee] = await Promise.all([ctx.user(), ctx.user()]);
    const task = makeTaskEvent({ task: { ownerId: owner.id, assigneeIds: [assignee.id] } }).task;
    tasks.set(task.id, task);
    const onA = await ctx.socket(a, assignee);
    const onB = await ctx.socket(b, assignee);
    expect(await onB.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });
    const event = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, audience: [owner.id] }));
    await onB.waitFor('task:updated', (e) => e.eventId === event.eventId);

    const notification = { id: makeTaskEvent().eventId, eventId: event.eventId, type: 'task.updated', taskId: task.id, actorId: owner.id, taskTitle: task.title, read: false, createdAt: new Date().toISOString(), readAt: null };
    ctx.nc.publish(NOTIFICATION_CREATED_SUBJECT, JSON.stringify({ userId: assignee.id, notification }));
    for (const log of [onA, onB]) await log.waitFor('notification:new', (n) => n.id === notification.id);
    expect(countOf(onA, 'task:updated', event.eventId)).toBe(0);
  });

  it('keep presence across replicas; a killed replica\'s users fall out after the TTL', async () => {
    const [admin, both, onlyA] = await Promise.all([ctx.user('admin'), ctx.user(), ctx.user()]);
    await ctx.socket(a, both);
    await ctx.socket(b, both);
    await ctx.socket(a, onlyA);
    const onlineIds = async () => (await ctx.presence(actorOf(admin))).items.map((item) => item.userId);
    await waitFor(async () => {
      const ids = await onlineIds();
      return ids.includes(both.id) && ids.includes(onlyA.id);
    }, 5000, 'both users online');

    // A crash: no disconnect handling, nothing removed from Redis by replica A.
    await a.service.stop('SIGKILL');
    const dropped = Date.now();
    await waitFor(async () => !(await onlineIds()).includes(onlyA.id), (PRESENCE_TTL_S + 3) * 1000, 'onlyA offline');
    expect(Date.now() - dropped).toBeLessThan((PRESENCE_TTL_S + 2) * 1000);
    // Replica B keeps refreshing its socket of `both`.
    expect(await onlineIds()).toContain(both.id);
  });

  it('drain on SIGTERM: exit 0, sockets closed so clients reconnect elsewhere', async () => {
    const user = await ctx.user();
    const log = await ctx.socket(b, user);
    const started = Date.now();
    expect(await b.service.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    // No disconnect packet: the client sees the transport close and would reconnect (to another replica).
    expect(await log.waitFor('disconnect')).toBe('transport close');
  });
});
