import { describe, expect, it } from '@jest/globals';
import type { ProjectEvent, TaskEvent } from '#contracts';
import { notificationsFor, projectNotificationsFor } from './notification.factory.js';

const owner = '11111111-1111-4111-8111-111111111111';
const alice = '22222222-2222-4222-8222-222222222222';
const bob = '33333333-3333-4333-8333-333333333333';
const taskId = '44444444-4444-4444-8444-444444444444';

const event = (actorId: string, audience: string[], changes?: TaskEvent['changes']): TaskEvent => ({
  eventId: '55555555-5555-4555-8555-555555555555',
  type: 'task.updated',
  taskId,
  actorId,
  occurredAt: '2026-11-25T12:00:00.000Z',
  task: {
    id: taskId, title: 'Ship it', description: '', status: 'done', priority: 'high', dueDate: null,
    ownerId: owner, assigneeIds: [alice, bob], projectId: null, version: 3, createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T12:00:00.000Z',
  },
  ...(changes ? { changes } : {}),
  audience,
  requestId: null,
});

describe('notificationsFor', () => {
  it('notifies every audience user except the actor', () => {
    const result = notificationsFor(event(owner, [owner, alice, bob], { status: { from: 'todo', to: 'done' } }));
    expect(result.map((n) => n.userId)).toEqual([alice, bob]);
    expect(result[0]).toEqual({
      eventId: '55555555-5555-4555-8555-555555555555',
      userId: alice,
      type: 'task.updated',
      taskId,
      actorId: owner,
      taskTitle: 'Ship it',
      changes: { status: { from: 'todo', to: 'done' } },
      createdAt: new Date('2026-11-25T12:00:00.000Z'),
    });
  });

  it('notifies the owner when an assignee acts', () => {
    expect(notificationsFor(event(alice, [owner, alice])).map((n) => n.userId)).toEqual([owner]);
  });

  it('notifies each user once even when listed twice', () => {
    expect(notificationsFor(event(owner, [alice, alice, owner])).map((n) => n.userId)).toEqual([alice]);
  });

  it('notifies nobody when the actor is the whole audience, or someone outside it acts', () => {
    expect(notificationsFor(event(owner, [owner]))).toEqual([]);
    expect(notificationsFor(event(bob, [owner])).map((n) => n.userId)).toEqual([owner]);
  });

  it('has no changes field when the event has none', () => {
    expect(notificationsFor(event(owner, [alice]))[0]).not.toHaveProperty('changes');
  });
});

describe('projectNotificationsFor', () => {
  const projectId = '66666666-6666-4666-8666-666666666666';
  const projectEvent = (type: ProjectEvent['type'], actorId: string, member?: ProjectEvent['member'], changes?: ProjectEvent['changes']): ProjectEvent => ({
    eventId: '77777777-7777-4777-8777-777777777777',
    type,
    projectId,
    actorId,
    occurredAt: '2026-11-25T12:00:00.000Z',
    project: { id: projectId, name: 'Launch', description: '', ownerId: owner, version: 1, createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z' },
    ...(member ? { member } : {}),
    ...(changes ? { changes } : {}),
    audience: [owner, alice, bob],
    requestId: null,
  });

  it('notifies the member who was added or whose role changed, with the project', () => {
    expect(projectNotificationsFor(projectEvent('project.member_added', owner, { userId: alice, role: 'editor' }))).toEqual([
      {
        eventId: '77777777-7777-4777-8777-777777777777',
        userId: alice,
        type: 'project.member_added',
        taskId: null,
        actorId: owner,
        taskTitle: null,
        projectId,
        projectName: 'Launch',
        changes: { role: { from: null, to: 'editor' } },
        createdAt: new Date('2026-11-25T12:00:00.000Z'),
      },
    ]);
    const changed = projectNotificationsFor(projectEvent('project.member_role_changed', owner, { userId: bob, role: 'manager' }, { role: { from: 'viewer', to: 'manager' } }));
    expect(changed.map((n) => [n.userId, n.changes])).toEqual([[bob, { role: { from: 'viewer', to: 'manager' } }]]);
  });

  it('notifies nobody of their own changes, removals, or project edits', () => {
    expect(projectNotificationsFor(projectEvent('project.member_role_changed', alice, { userId: alice, role: 'viewer' }))).toEqual([]);
    expect(projectNotificationsFor(projectEvent('project.member_removed', owner, { userId: alice, role: 'viewer' }))).toEqual([]);
    expect(projectNotificationsFor(projectEvent('project.updated', owner))).toEqual([]);
  });
});
