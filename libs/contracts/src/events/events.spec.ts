import { describe, expect, it } from '@jest/globals';
import { EventSchemaError } from '../define-event.js';
import { AuthEventContract, NotificationCreatedContract, TaskEventContract, TaskStreamContract } from './index.js';

const owner = '3b241101-e2bb-4255-8caf-4136c566a962';
const alice = '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11';
const taskId = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const projectId = 'c56a4180-65aa-42ec-a945-5fd21dec0538';
const at = '2026-11-25T12:00:00.000Z';
const task = { id: taskId, title: 't', description: '', status: 'todo', priority: 'low', dueDate: null, ownerId: owner, assigneeIds: [alice], projectId: null, version: 2, createdAt: at, updatedAt: at };
const taskEvent = { eventId: '6f1c0c1e-3a3b-4c1e-9a57-0b7c9b1f3f1a', type: 'task.updated', taskId, actorId: owner, occurredAt: at, task, changes: { status: { from: 'todo', to: 'done' } }, audience: [owner, alice], requestId: 'req-1' };
const comment = { id: alice, taskId, authorId: owner, body: 'hi', mentionIds: [alice], createdAt: at, updatedAt: at, editedAt: null };
const { changes: _changes, ...unchanged } = taskEvent;
const commentEvent = { ...unchanged, type: 'task.commented', projectId: null, comment, newMentionIds: [alice] };
const project = { id: projectId, name: 'Launch', description: '', ownerId: owner, version: 1, createdAt: at, updatedAt: at };
const projectEvent = { eventId: taskEvent.eventId, type: 'project.member_added', projectId, actorId: owner, occurredAt: at, project, member: { userId: alice, role: 'editor' }, audience: [owner, alice], requestId: null };

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EventSchemaError) return error.reason;
    throw error;
  }
  throw new Error('accepted');
}

describe('the task stream contract', () => {
  it('tells task, comment and project events apart by type', () => {
    expect(TaskStreamContract.parse(taskEvent).kind).toBe('task');
    expect(TaskStreamContract.parse(commentEvent).kind).toBe('comment');
    expect(TaskStreamContract.parse(projectEvent)).toEqual({ kind: 'project', event: projectEvent });
  });

  // The cases realtime's hand-written guards refused: the contract refuses them with a reason.
  it.each([
    ['null', null, /\(root\)/],
    ['an unknown type', { ...taskEvent, type: 'task.exploded' }, /type/],
    ['a task id that is no uuid', { ...taskEvent, taskId: 'x' }, /taskId/],
    ['a non-string in the audience', { ...taskEvent, audience: [1] }, /audience/],
    ['no audience', { ...taskEvent, audience: undefined }, /audience/],
    ['a comment event without its comment', { ...commentEvent, comment: null }, /comment/],
    ['a project id that is no uuid', { ...projectEvent, projectId: 'nope' }, /projectId/],
    ['a member whose id is no uuid', { ...projectEvent, member: { userId: 'x', role: 'editor' } }, /member\.userId/],
    ['an unknown field', { ...taskEvent, labels: ['x'] }, /Unrecognized key.*labels/],
  ])('refuses %s, saying why', (_, raw, expected) => {
    expect(reason(() => TaskStreamContract.parse(raw))).toMatch(expected);
  });

  it('refuses bytes that are not JSON', () => {
    expect(reason(() => TaskStreamContract.decode('{nope'))).toBe('not valid JSON');
  });
});

describe('producing an event', () => {
  it('encodes a valid event with its subject and JSON body', () => {
    const message = TaskEventContract.encode(taskEvent as Parameters<typeof TaskEventContract.encode>[0]);
    expect(message.subject).toBe('tasks.events.updated');
    expect(JSON.parse(message.json)).toEqual(taskEvent);
  });

  it('refuses, before anything is written, a field its schema does not name or a title over the domain limit', () => {
    expect(() => TaskEventContract.encode({ ...taskEvent, extra: 1 } as never)).toThrow(EventSchemaError);
    expect(reason(() => TaskEventContract.encode({ ...taskEvent, task: { ...task, title: 'x'.repeat(201) } } as never))).toMatch(/task\.title/);
  });

  it('checks auth events and notifications.created the same way', () => {
    const authEvent = { eventId: taskEvent.eventId, type: 'user.logout', userId: owner, actorId: owner, occurredAt: at, data: { sessions: 'one', sessionIds: [alice], reason: 'logout' }, requestId: null };
    expect(AuthEventContract.encode(authEvent as never).subject).toBe('auth.events.logout');
    expect(reason(() => AuthEventContract.parse({ ...authEvent, data: { $where: 'x' } }))).toMatch(/data/);
    const notification = { id: alice, eventId: taskEvent.eventId, type: 'task.assigned', taskId, actorId: owner, taskTitle: 't', read: false, createdAt: at, readAt: null };
    expect(NotificationCreatedContract.encode({ userId: alice, notification } as never).subject).toBe('notifications.created');
    expect(reason(() => NotificationCreatedContract.parse({ userId: 'x', notification }))).toMatch(/userId/);
    expect(reason(() => NotificationCreatedContract.parse({ userId: alice }))).toMatch(/notification/);
  });
});
