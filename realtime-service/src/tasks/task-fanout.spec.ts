import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TASK_EVENT_TYPES, type TaskEvent } from '#contracts';
import { audienceRooms, emitLagSeconds, endsAllSubscriptions, isUuid, TASK_CLIENT_EVENTS, toClientEvent, usersLosingAccess } from './task-fanout.js';

const owner = '3b241101-e2bb-4255-8caf-4136c566a962';
const alice = '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11';
const bob = 'c56a4180-65aa-42ec-a945-5fd21dec0538';
const taskId = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';

function event(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return {
    eventId: '6f1c0c1e-3a3b-4c1e-9a57-0b7c9b1f3f1a',
    type: 'task.updated',
    taskId,
    actorId: owner,
    occurredAt: '2026-11-25T12:00:00.000Z',
    task: { id: taskId, title: 't', description: '', status: 'todo', priority: 'low', dueDate: null, ownerId: owner, assigneeIds: [alice], projectId: null, version: 2, createdAt: '', updatedAt: '' },
    changes: { status: { from: 'todo', to: 'done' } },
    audience: [owner, alice],
    requestId: 'req-1',
    ...overrides,
  };
}

describe('task fan-out', () => {
  it('maps every event type to its socket event', () => {
    expect(TASK_EVENT_TYPES.map((type) => TASK_CLIENT_EVENTS[type])).toEqual(['task:created', 'task:updated', 'task:deleted', 'task:assigned', 'task:unassigned']);
  });

  it('targets the audience users, admins and the task room, each room once', () => {
    expect(audienceRooms(event({ audience: [owner, alice, owner] }))).toEqual([`user:${owner}`, `user:${alice}`, 'admins', `task:${taskId}`]);
    expect(audienceRooms(event({ audience: [] }))).toEqual(['admins', `task:${taskId}`]);
    // A project task's audience names every member: no subscriber room, which a removed member may still be in.
    expect(audienceRooms(event({ audience: [owner], projectId: randomUUID() }))).toEqual([`user:${owner}`, 'admins']);
    // Nor for the move out of a project: a former member may still be subscribed.
    const movedOut = event({ type: 'task.updated', audience: [owner], projectId: null, changes: { projectId: { from: randomUUID(), to: null } } });
    expect(audienceRooms(movedOut)).toEqual([`user:${owner}`, 'admins']);
  });

  it('ends every subscription to a task deleted or moved to another project, and only then', () => {
    expect(endsAllSubscriptions(event({ type: 'task.deleted' }))).toBe(true);
    expect(endsAllSubscriptions(event({ type: 'task.updated', changes: { projectId: { from: null, to: randomUUID() } } }))).toBe(true);
    expect(endsAllSubscriptions(event({ type: 'task.updated', changes: { title: { from: 'a', to: 'b' } } }))).toBe(false);
    expect(endsAllSubscriptions(event({ type: 'task.assigned' }))).toBe(false);
  });

  it('strips the audience from what clients see, and nothing else', () => {
    const full = event();
    const client = toClientEvent(full);
    expect(client).not.toHaveProperty('audience');
    expect({ ...client, audience: full.audience }).toEqual(full);
  });

  it('finds removed assignees (not the owner), whose subscriptions end', () => {
    const unassigned = event({ type: 'task.unassigned', changes: { assigneeIds: { from: [alice, bob, owner], to: [bob] } } });
    expect(usersLosingAccess(unassigned)).toEqual([alice]);
    expect(usersLosingAccess(event())).toEqual([]);
    expect(usersLosingAccess(event({ type: 'task.assigned', changes: { assigneeIds: { from: [], to: [alice] } } }))).toEqual([]);
  });

  it('checks uuids', () => {
    expect(isUuid(taskId)).toBe(true);
    expect(isUuid('nope')).toBe(false);
    expect(isUuid({ $gt: '' })).toBe(false);
  });

  it('measures emit lag from occurredAt, never negative', () => {
    const now = Date.parse('2026-11-25T12:00:01.500Z');
    expect(emitLagSeconds('2026-11-25T12:00:00.000Z', now)).toBeCloseTo(1.5);
    expect(emitLagSeconds('2026-11-25T12:00:09.000Z', now)).toBe(0);
    expect(emitLagSeconds('garbage', now)).toBe(0);
  });
});
