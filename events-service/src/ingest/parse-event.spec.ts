import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PoisonMessageError } from '#jetstream';
import { parseEvent } from './parse-event.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function taskEventFixture(overrides: Record<string, unknown> = {}) {
  const taskId = randomUUID();
  const ownerId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'task.updated',
    taskId,
    actorId: ownerId,
    occurredAt: '2026-11-25T12:00:00.000Z',
    task: {
      id: taskId,
      title: 'Write docs',
      description: '',
      status: 'in_progress',
      priority: 'high',
      dueDate: null,
      ownerId,
      assigneeIds: [],
      version: 2,
      createdAt: '2026-11-25T11:00:00.000Z',
      updatedAt: '2026-11-25T12:00:00.000Z',
    },
    changes: { status: { from: 'todo', to: 'in_progress' } },
    audience: [ownerId],
    requestId: 'req-1',
    ...overrides,
  };
}

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PoisonMessageError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('parseEvent', () => {
  it('accepts a task event', () => {
    const raw = taskEventFixture();
    const parsed = parseEvent('task', encode(raw));
    expect(parsed.source).toBe('task');
    expect(parsed.event.eventId).toBe(raw.eventId);
  });

  it('refuses unknown fields, at the top and inside the task, naming them (never strips them)', () => {
    expect(reason(() => parseEvent('task', encode({ ...taskEventFixture(), extra: 'x' })))).toMatch(/extra/);
    const fixture = taskEventFixture();
    expect(reason(() => parseEvent('task', encode({ ...fixture, task: { ...fixture.task, labels: [] } })))).toMatch(/task.*labels/);
  });

  it("bounds the title as the request contract does: 200 characters, a surrogate pair counting as one", () => {
    const fixture = taskEventFixture();
    const withTitle = (title: string) => encode({ ...fixture, task: { ...fixture.task, title } });
    const titleOf = (data: Uint8Array) => {
      const parsed = parseEvent('task', data);
      return parsed.source === 'task' ? parsed.event.task.title : undefined;
    };
    expect(titleOf(withTitle('x'.repeat(200)))).toHaveLength(200);
    expect(titleOf(withTitle('😀'.repeat(200)))).toHaveLength(400);
    expect(reason(() => parseEvent('task', withTitle('x'.repeat(201))))).toMatch(/task\.title/);
  });

  it('defaults a missing requestId to null', () => {
    const { requestId: _, ...raw } = taskEventFixture();
    expect(parseEvent('task', encode(raw)).event.requestId).toBeNull();
  });

  it('accepts an auth event with a null user', () => {
    const event = { eventId: randomUUID(), type: 'user.login_failed', userId: null, actorId: null, occurredAt: '2026-11-25T12:00:00Z', data: { email: 'a@b.c' }, requestId: null };
    expect(parseEvent('auth', encode(event)).event).toMatchObject({ type: 'user.login_failed', data: { email: 'a@b.c' } });
  });

  it.each([
    ['invalid JSON', '{nope', /not valid JSON/],
    ['an array', [], /not a valid task event/],
    ['a bad eventId', taskEventFixture({ eventId: 'x' }), /eventId/],
    ['an unknown type', taskEventFixture({ type: 'task.exploded' }), /type/],
    ['an object where an id belongs', taskEventFixture({ taskId: { $gt: '' } }), /taskId/],
    ['a $-key in changes', taskEventFixture({ changes: { $where: { from: 1, to: 2 } } }), /changes/],
    ['an object in a change value', taskEventFixture({ changes: { title: { from: { $gt: '' }, to: 'x' } } }), /changes/],
    ['a bad date', taskEventFixture({ occurredAt: 'yesterday' }), /occurredAt/],
    ['no audience', taskEventFixture({ audience: undefined }), /audience/],
  ])('refuses %s as poison', (_, value, expected) => {
    expect(reason(() => parseEvent('task', encode(value)))).toMatch(expected);
  });

  it('refuses a task event on the auth stream', () => {
    expect(reason(() => parseEvent('auth', encode(taskEventFixture())))).toMatch(/not a valid auth event/);
  });

  it('refuses auth data with $-keys', () => {
    const event = { eventId: randomUUID(), type: 'user.login', userId: randomUUID(), actorId: null, occurredAt: '2026-11-25T12:00:00Z', data: { $where: 'x' }, requestId: null };
    expect(reason(() => parseEvent('auth', encode(event)))).toMatch(/data/);
  });

  it('reads project events on the task stream, and parks malformed ones', () => {
    const projectId = randomUUID();
    const userId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: 'project.member_added',
      projectId,
      actorId: userId,
      occurredAt: '2026-11-25T12:00:00.000Z',
      project: { id: projectId, name: 'Launch', description: '', ownerId: userId, version: 1, createdAt: '2026-11-25T11:00:00.000Z', updatedAt: '2026-11-25T11:00:00.000Z' },
      member: { userId, role: 'editor' },
      audience: [userId],
      requestId: null,
    };
    expect(parseEvent('task', encode(event))).toEqual({ source: 'project', event });
    expect(() => parseEvent('task', encode({ ...event, member: { userId, role: 'owner' } }))).toThrow(PoisonMessageError);
    expect(() => parseEvent('auth', encode(event))).toThrow(PoisonMessageError);
  });

  it('keeps the projectId of a task event and a move between projects', () => {
    const projectId = randomUUID();
    const fixture = taskEventFixture({ projectId, changes: { projectId: { from: null, to: projectId } } });
    const parsed = parseEvent('task', encode(fixture));
    expect(parsed.event).toMatchObject({ projectId, changes: { projectId: { from: null, to: projectId } } });
  });
});
