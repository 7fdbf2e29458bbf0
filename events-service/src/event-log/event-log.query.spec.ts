import { describe, expect, it } from '@jest/globals';
import { RpcError, type Actor } from '#contracts';
import { eventListFilter, taskActivityFilter } from './event-log.query.js';

const member: Actor = { id: '11111111-1111-4111-8111-111111111111', role: 'member' };
const admin: Actor = { id: '22222222-2222-4222-8222-222222222222', role: 'admin' };
const taskId = '33333333-3333-4333-8333-333333333333';

function validationError(fn: () => unknown): boolean {
  try {
    fn();
  } catch (error) {
    return error instanceof RpcError && error.code === 'VALIDATION';
  }
  return false;
}

describe('eventListFilter', () => {
  it('lets admins see everything', () => {
    expect(eventListFilter(admin, {})).toEqual({});
  });

  it("limits members to their audience's entries", () => {
    expect(eventListFilter(member, {})).toEqual({ audience: member.id });
  });

  it('combines every filter', () => {
    const at = new Date('2026-11-25T12:00:00.000Z');
    const filter = eventListFilter(
      member,
      { type: ['task.created', 'user.login'], taskId, actorId: admin.id, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      { at, id: taskId },
    );
    expect(filter).toEqual({
      $and: [
        { audience: member.id },
        { type: { $in: ['task.created', 'user.login'] } },
        { taskId },
        { actorId: admin.id },
        { occurredAt: { $gte: new Date('2026-11-01T00:00:00Z') } },
        { occurredAt: { $lt: new Date('2026-12-01T00:00:00Z') } },
        { $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, eventId: { $lt: taskId } }] },
      ],
    });
  });

  it.each([
    ['an operator object as taskId', { taskId: { $gt: '' } }],
    ['an operator as type', { type: ['$where'] }],
    ['a string as type list', { type: 'task.created' }],
    ['an operator object as actorId', { actorId: { $ne: null } }],
    ['a bad date', { from: 'yesterday' }],
  ])('refuses %s', (_, query) => {
    expect(validationError(() => eventListFilter(admin, query as never))).toBe(true);
  });
});

describe('taskActivityFilter', () => {
  it('selects one task', () => {
    expect(taskActivityFilter(taskId)).toEqual({ taskId });
  });
  it('refuses a non-uuid', () => {
    expect(validationError(() => taskActivityFilter({ $gt: '' } as never))).toBe(true);
  });
});

