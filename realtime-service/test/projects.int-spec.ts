import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@nats-io/transport-node';
import { projectEventSubject, type ProjectEvent, type TaskDto } from '#contracts';
import { fakeTasksResponder, makeTaskEvent } from '#testing';
import { RealtimeContext, type Replica } from './factories/realtime-context.js';

/** Two replicas: project members get the project's task and project events; a removed member, nothing more. */
const ctx = new RealtimeContext();
let a: Replica;
let b: Replica;
let responder: Subscription[];
const tasks = new Map<string, TaskDto>();
/** project id → member ids, as tasks-service would answer `tasks.get` for a project task. */
const members = new Map<string, Set<string>>();

beforeAll(async () => {
  await ctx.open();
  responder = fakeTasksResponder(ctx.nc, {
    get: (actor, taskId) => {
      const task = tasks.get(taskId);
      if (!task) return undefined;
      const member = task.projectId ? members.get(task.projectId)?.has(actor.id) : false;
      return actor.role === 'admin' || task.ownerId === actor.id || task.assigneeIds.includes(actor.id) || member ? task : undefined;
    },
  });
  [a, b] = await Promise.all([ctx.startReplica(), ctx.startReplica()]);
}, 60000);
afterAll(async () => {
  for (const subscription of responder ?? []) subscription.unsubscribe();
  await ctx.close();
});

async function publishProjectEvent(event: Omit<ProjectEvent, 'eventId' | 'occurredAt' | 'requestId' | 'project'>): Promise<ProjectEvent> {
  const full: ProjectEvent = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: null,
    project: { id: event.projectId, name: 'Launch', description: '', ownerId: event.actorId, version: 1, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
    ...event,
  };
  await ctx.js.publish(projectEventSubject(full.type), JSON.stringify(full), { msgID: full.eventId });
  return full;
}

describe('project events over two replicas', () => {
  it('reach members on every replica; a removed member gets project:removed, then nothing of the project, even as a subscriber', async () => {
    const [manager, viewer] = await Promise.all([ctx.user(), ctx.user()]);
    const projectId = randomUUID();
    members.set(projectId, new Set([manager.id, viewer.id]));
    const task = makeTaskEvent({ task: { ownerId: manager.id, projectId } }).task;
    tasks.set(task.id, task);

    const managerOnA = await ctx.socket(a, manager);
    const viewerOnA = await ctx.socket(a, viewer);
    const viewerOnB = await ctx.socket(b, viewer);
    // The viewer also subscribes to the task on B: the room must be left when they leave the project.
    expect(await viewerOnB.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });

    const audience = [manager.id, viewer.id];
    const update = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, projectId, audience }));
    for (const log of [managerOnA, viewerOnA, viewerOnB]) await log.waitFor('task:updated', (e) => e.eventId === update.eventId);
    expect(viewerOnB.matching('task:updated', (e) => e.eventId === update.eventId)).toHaveLength(1);
    const renamed = await publishProjectEvent({ type: 'project.updated', projectId, actorId: manager.id, audience });
    for (const log of [managerOnA, viewerOnA, viewerOnB]) await log.waitFor('project:updated', (e) => e.eventId === renamed.eventId);

    members.get(projectId)!.delete(viewer.id);
    const removal = await publishProjectEvent({ type: 'project.member_removed', projectId, actorId: manager.id, member: { userId: viewer.id, role: 'viewer' }, audience });
    await managerOnA.waitFor('project:member_removed', (e) => e.eventId === removal.eventId);
    for (const log of [viewerOnA, viewerOnB]) expect(await log.waitFor('project:removed', (p) => p.projectId === projectId)).toEqual({ projectId });

    // After the removal, task events of the project no longer name the viewer.
    const later = await ctx.publish(makeTaskEvent({ type: 'task.updated', taskId: task.id, task, projectId, audience: [manager.id] }));
    await managerOnA.waitFor('task:updated', (e) => e.eventId === later.eventId);
    // Barrier: an event for the viewer alone, published after, has arrived on both sockets.
    const sentinel = await ctx.publish(makeTaskEvent({ audience: [viewer.id] }));
    for (const log of [viewerOnA, viewerOnB]) await log.waitFor('task:created', (e) => e.eventId === sentinel.eventId);
    for (const log of [viewerOnA, viewerOnB]) {
      expect(log.matching('task:updated', (e) => e.eventId === later.eventId)).toHaveLength(0);
      expect(log.matching('project:member_removed')).toHaveLength(0);
    }
  });

  it('reach a member added later without reconnecting', async () => {
    const [manager, newcomer] = await Promise.all([ctx.user(), ctx.user()]);
    const projectId = randomUUID();
    members.set(projectId, new Set([manager.id]));
    const newcomerOnB = await ctx.socket(b, newcomer);
    members.get(projectId)!.add(newcomer.id);
    const added = await publishProjectEvent({ type: 'project.member_added', projectId, actorId: manager.id, member: { userId: newcomer.id, role: 'editor' }, audience: [manager.id, newcomer.id] });
    await newcomerOnB.waitFor('project:member_added', (e) => e.eventId === added.eventId);
    const created = await ctx.publish(makeTaskEvent({ type: 'task.created', task: { ownerId: manager.id, projectId }, projectId, audience: [manager.id, newcomer.id] }));
    const received = await newcomerOnB.waitFor('task:created', (e) => e.eventId === created.eventId);
    expect(received).toMatchObject({ projectId, task: { projectId } });
    expect(received).not.toHaveProperty('audience');
  });

  it('a task moved out of the project: its move does not reach a member who saw it only through the project, even as a subscriber', async () => {
    const [manager, viewer] = await Promise.all([ctx.user(), ctx.user()]);
    const projectId = randomUUID();
    members.set(projectId, new Set([manager.id, viewer.id]));
    const task = makeTaskEvent({ task: { ownerId: manager.id, projectId } }).task;
    tasks.set(task.id, task);
    const managerOnA = await ctx.socket(a, manager);
    const viewerOnA = await ctx.socket(a, viewer);
    expect(await viewerOnA.socket.emitWithAck('task:subscribe', { taskId: task.id })).toEqual({ ok: true });

    const outside = { ...task, projectId: null, version: 2 };
    tasks.set(task.id, outside);
    const moved = await ctx.publish(
      makeTaskEvent({ type: 'task.updated', taskId: task.id, task: outside, projectId: null, changes: { projectId: { from: projectId, to: null } }, audience: [manager.id] }),
    );
    // One emit reaches both sockets of replica A together; then a barrier for the viewer alone.
    await managerOnA.waitFor('task:updated', (e) => e.eventId === moved.eventId);
    const sentinel = await ctx.publish(makeTaskEvent({ audience: [viewer.id] }));
    await viewerOnA.waitFor('task:created', (e) => e.eventId === sentinel.eventId);
    expect(viewerOnA.matching('task:updated', (e) => e.eventId === moved.eventId)).toHaveLength(0);
  });
});
