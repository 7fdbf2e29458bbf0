import { describe, expect, it } from '@jest/globals';
import type { TaskEvent } from '#contracts';
import { notificationsFor } from './notification.factory.js';

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
