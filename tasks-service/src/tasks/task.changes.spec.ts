import { describe, expect, it } from '@jest/globals';
import { EventSchemaError, type UpdateTaskBody } from '#contracts';
import { diffFields, hasChanges, requestedFields, type TaskFields } from './task.changes.js';
import { audienceOf, buildTaskEvent } from './task.events.js';

const current: TaskFields = { title: 'Write report', description: '', status: 'todo', priority: 'medium', dueDate: '2030-01-01T00:00:00.000Z' };

describe('task changes', () => {
  it('keeps only the fields present in the request, dates made canonical', () => {
    expect(requestedFields({ status: 'done', version: 3 })).toEqual({ status: 'done' });
    expect(requestedFields({ dueDate: '2030-01-01T01:00:00+01:00' })).toEqual({ dueDate: '2030-01-01T00:00:00.000Z' });
    expect(requestedFields({ dueDate: null })).toEqual({ dueDate: null });
    expect(requestedFields({})).toEqual({});
  });

  it('refuses null for every field but dueDate (validation lets it through PartialType)', () => {
    expect(() => requestedFields({ priority: null } as unknown as UpdateTaskBody)).toThrow('priority must not be null');
    expect(() => requestedFields({ title: null, status: null } as unknown as UpdateTaskBody)).toThrow('title must not be null; status must not be null');
  });

  it('lists only values that really change', () => {
    const changes = diffFields(current, { title: 'Write report', status: 'in_progress', dueDate: '2030-01-01T00:00:00.000Z', priority: 'high' });
    expect(changes).toEqual({ status: { from: 'todo', to: 'in_progress' }, priority: { from: 'medium', to: 'high' } });
    expect(hasChanges(changes)).toBe(true);
  });

  it('sees a cleared due date and an unchanged request', () => {
    expect(diffFields(current, { dueDate: null })).toEqual({ dueDate: { from: '2030-01-01T00:00:00.000Z', to: null } });
    const none = diffFields(current, { status: 'todo', description: '' });
    expect(none).toEqual({});
    expect(hasChanges(none)).toBe(false);
  });
});

describe('task events', () => {
  // Users: owner, assignees a and b, former assignee c, project member m.
  const o = '00000000-0000-4000-8000-00000000000f';
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  const c = '00000000-0000-4000-8000-00000000000c';
  const m = '00000000-0000-4000-8000-00000000000d';
  const task = {
    id: '44444444-4444-4444-8444-444444444444',
    ...current,
    ownerId: o,
    assigneeIds: [a, o, b],
    projectId: null,
    version: 2,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
  };

  it('addresses owner, assignees and former assignees once each', () => {
    expect(audienceOf(task)).toEqual([o, a, b]);
    expect(audienceOf(task, [c, a])).toEqual([o, a, b, c]);
    // A project task's members come after its owner and assignees, each once.
    expect(audienceOf(task, [c], [m, a])).toEqual([o, a, b, m, c]);
  });

  it('builds the contract payload with subject and message id', () => {
    const now = new Date('2030-02-02T00:00:00.000Z');
    const message = buildTaskEvent({ type: 'task.unassigned', task, actorId: o, changes: { assigneeIds: { from: [a, c], to: [a] } }, formerAudience: [c], requestId: null, now });
    expect(message.subject).toBe('tasks.events.unassigned');
    expect(JSON.parse(message.json)).toEqual(message.payload);
    expect(message.payload).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'task.unassigned',
      taskId: task.id,
      projectId: null,
      actorId: o,
      occurredAt: now.toISOString(),
      task,
      changes: { assigneeIds: { from: [a, c], to: [a] } },
      audience: [o, a, b, c],
      requestId: null,
    });
    expect(buildTaskEvent({ type: 'task.created', task, actorId: o, requestId: 'r1' }).payload).not.toHaveProperty('changes');
  });

  it('refuses an event its contract rejects, so nothing unchecked reaches the outbox', () => {
    expect(() => buildTaskEvent({ type: 'task.updated', task: { ...task, title: 'x'.repeat(201) }, actorId: o, requestId: null })).toThrow(EventSchemaError);
  });
});
