import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TaskEvent } from '#contracts';
import { ServiceMetrics } from '#health';
import type { EventIndexes } from '../database/event-indexes.js';
import type { EventLogRepository } from '../event-log/event-log.repository.js';
import type { NotificationsRepository } from '../notifications/notifications.repository.js';
import { IngestMetrics } from './ingest.metrics.js';
import { EventIngestService, newAssignees } from './ingest.service.js';

const owner = '11111111-1111-4111-8111-111111111111';
const alice = '22222222-2222-4222-8222-222222222222';
const bob = '33333333-3333-4333-8333-333333333333';
const taskId = '44444444-4444-4444-8444-444444444444';
const event: TaskEvent = {
  eventId: '55555555-5555-4555-8555-555555555555',
  type: 'task.assigned',
  taskId,
  actorId: owner,
  occurredAt: '2026-11-25T12:00:00.000Z',
  task: {
    id: taskId, title: 'T', description: '', status: 'todo', priority: 'low', dueDate: null,
    ownerId: owner, assigneeIds: [alice, bob], projectId: null, version: 2, createdAt: '2026-11-25T11:00:00.000Z', updatedAt: '2026-11-25T12:00:00.000Z',
  },
  changes: { assigneeIds: { from: [alice], to: [alice, bob] } },
  audience: [owner, alice, bob],
  requestId: 'r1',
};

Logger.overrideLogger(false);

/** Strict mocks: any call that was not set up fails the test. */
function setup(logged: boolean, existing: string[]) {
  const logs = { insertBatch: jest.fn(async (items: { entry: unknown; shareWith: string[] }[]) => items.map(() => logged)) };
  const notifications = {
    insertBatch: jest.fn(async (list: { userId: string }[]) => list.map((n) => (existing.includes(n.userId) ? null : { ...n, _id: `id-${n.userId}`, read: false, readAt: null }))),
  };
  const strict = <T extends object>(target: T) =>
    new Proxy(target, { get: (t, key) => (key in t ? t[key as keyof T] : key === 'then' ? undefined : () => { throw new Error(`unexpected call ${String(key)}`); }) });
  const service = new EventIngestService(strict(logs) as unknown as EventLogRepository, strict(notifications) as unknown as NotificationsRepository, new IngestMetrics(new ServiceMetrics('test')), { verify: async () => undefined } as unknown as EventIndexes);
  return { service, logs, notifications };
}

describe('EventIngestService', () => {
  it('logs the event, notifies everyone but the actor and announces each new notification', async () => {
    const { service, logs, notifications } = setup(true, []);
    const publish = jest.fn();
    expect(await service.ingestBatch([{ source: 'task', event }], publish)).toEqual([{ logged: true, notified: 2 }]);
    expect(logs.insertBatch).toHaveBeenCalledTimes(1);
    expect(logs.insertBatch.mock.calls[0]![0][0]!.entry).toEqual(expect.objectContaining({ eventId: event.eventId, audience: [owner, alice, bob], taskId }));
    expect(notifications.insertBatch).toHaveBeenCalledTimes(1);
    expect(notifications.insertBatch.mock.calls[0]![0].map((n) => n.userId)).toEqual([alice, bob]);
    expect(publish.mock.calls.map(([m]) => (m as { userId: string }).userId)).toEqual([alice, bob]);
    expect(publish.mock.calls[0]).toEqual([expect.objectContaining({ notification: expect.objectContaining({ id: `id-${alice}`, taskTitle: 'T', read: false, readAt: null }) }), 'r1']);
  });

  it('on a redelivery completes missing notifications and announces only those', async () => {
    const { service } = setup(false, [alice]);
    const publish = jest.fn();
    expect(await service.ingestBatch([{ source: 'task', event }], publish)).toEqual([{ logged: false, notified: 1 }]);
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('creates no notifications for auth events', async () => {
    const { service, notifications } = setup(true, []);
    const auth = { eventId: event.eventId, type: 'user.login' as const, userId: alice, actorId: alice, occurredAt: event.occurredAt, data: {}, requestId: null };
    expect(await service.ingestBatch([{ source: 'auth', event: auth }], jest.fn())).toEqual([{ logged: true, notified: 0 }]);
    expect(notifications.insertBatch.mock.calls.flatMap(([list]) => list)).toEqual([]);
  });

  it('shares the task history with a new assignee, on every delivery (idempotent)', async () => {
    for (const logged of [true, false]) {
      const { service, logs } = setup(logged, []);
      await service.ingestBatch([{ source: 'task', event }], jest.fn());
      expect(logs.insertBatch.mock.calls[0]![0][0]!.shareWith).toEqual([bob]);
    }
  });

  it('writes a batch with one call per collection and attributes each outcome to its event', async () => {
    const { service, logs, notifications } = setup(true, [alice]);
    const publish = jest.fn();
    const created = { ...event, eventId: '66666666-6666-4666-8666-666666666666', type: 'task.created' as const, changes: undefined, audience: [owner] };
    const outcomes = await service.ingestBatch([{ source: 'task', event: created }, { source: 'task', event }], publish);
    expect(outcomes).toEqual([{ logged: true, notified: 0 }, { logged: true, notified: 1 }]);
    expect(logs.insertBatch.mock.calls[0]![0].map((item) => item.shareWith)).toEqual([[], [bob]]);
    expect(notifications.insertBatch).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls.map(([m]) => (m as { userId: string }).userId)).toEqual([bob]);
  });

  it('finds the users an assignment added', () => {
    expect(newAssignees(event)).toEqual([bob]);
    expect(newAssignees({ ...event, changes: undefined })).toEqual([alice, bob]);
  });
});
