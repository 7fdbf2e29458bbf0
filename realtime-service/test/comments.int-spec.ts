import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/transport-node';
import { commentEventSubject, type CommentEvent, type CommentEventType, type TaskDto } from '#contracts';
import { fakeTasksResponder, makeTaskEvent } from '#testing';
import { RealtimeContext, type Replica } from './factories/realtime-context.js';

/** Two replicas: comment events reach every socket of everyone who can see the task, once each. */
const ctx = new RealtimeContext();
let a: Replica;
let b: Replica;
let responder: Subscription[];
const tasks = new Map<string, TaskDto>();

beforeAll(async () => {
  await ctx.open();
  responder = fakeTasksResponder(ctx.nc, {
    get: (actor, taskId) => {
      const task = tasks.get(taskId);
      return task && (actor.role === 'admin' || task.ownerId === actor.id || task.assigneeIds.includes(actor.id)) ? task : undefined;
    },
  });
  [a, b] = await Promise.all([ctx.startReplica(), ctx.startReplica()]);
}, 60000);
afterAll(async () => {
  for (const subscription of responder ?? []) subscription.unsubscribe();
  await ctx.close();
});

async function publishCommentEvent(type: CommentEventType, task: TaskDto, actorId: string, audience: string[]): Promise<CommentEvent> {
  const now = new Date().toISOString();
  const event: CommentEvent = {
    eventId: randomUUID(),
    type,
    taskId: task.id,
    projectId: task.projectId,
    actorId,
    occurredAt: now,
    task,
    comment: { id: randomUUID(), taskId: task.id, authorId: actorId, body: '<b>hi</b>', mentionIds: [], createdAt: now, updatedAt: now, editedAt: null },
    newMentionIds: [],
    audience,
    requestId: null,
  };
  await ctx.js.publish(commentEventSubject(type), JSON.stringify(event), { msgID: event.eventId });
  return event;
}

describe('comment events over two replicas', () => {
  it('reach owner, assignee, admin and subscribers on both replicas exactly once per socket; outsiders get nothing', async () => {
    const [owner, assignee, admin, outsider] = [ctx.user(), ctx.user(), ctx.user('admin'), ctx.user()];
    const task = makeTaskEvent({ task: { ownerId: owner.id, assigneeIds: [assignee.id] } }).task;
    tasks.set(task.id, task);
    const ownerSockets = [await ctx.socket(a, owner), await ctx.socket(b, owner)];
    const assigneeOnB = await ctx.socket(b, assignee);
    const adminOnA = await ctx.socket(a, admin);
    const outsiderOnB = await ctx.socket(b, outsider);
    // The assignee also subscribes to the task: still one delivery to that socket.
    expect(await assigneeOnB.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });

    const audience = [owner.id, assignee.id];
    const names = { 'task.commented': 'comment:created', 'task.comment_edited': 'comment:updated', 'task.comment_deleted': 'comment:deleted' } as const;
    const published: CommentEvent[] = [];
    for (const type of Object.keys(names) as CommentEventType[]) published.push(await publishCommentEvent(type, task, assignee.id, audience));

    const receivers = [...ownerSockets, assigneeOnB, adminOnA];
    for (const event of published) {
      for (const log of receivers) {
        const received = await log.waitFor(names[event.type], (e) => e.eventId === event.eventId);
        expect(received).toMatchObject({ taskId: task.id, comment: { id: event.comment.id, body: '<b>hi</b>' } });
        expect(received).not.toHaveProperty('audience');
        expect(received).not.toHaveProperty('newMentionIds');
      }
    }
    // Barrier: an event for the outsider alone, published after, has arrived.
    const sentinel = await ctx.publish(makeTaskEvent({ audience: [outsider.id] }));
    await outsiderOnB.waitFor('task:created', (e) => e.eventId === sentinel.eventId);
    for (const event of published) {
      for (const log of receivers) expect(log.matching(names[event.type], (e) => e.eventId === event.eventId)).toHaveLength(1);
      expect(outsiderOnB.matching(names[event.type])).toHaveLength(0);
    }
  });
});
