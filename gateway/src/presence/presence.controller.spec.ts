import { describe, expect, it } from '@jest/globals';
import type { NatsRpcClient } from '#nats';
import { EventsContract, RealtimeContract, type Actor, type ListEventsQuery } from '#contracts';
import { EventsController } from '../events/events.controller.js';
import { NotificationsController } from '../notifications/notifications.controller.js';
import { PresenceController } from './presence.controller.js';

/** Records what a controller asks over NATS and answers `reply`. */
function fakeNats(reply: unknown = { items: [] }) {
  const calls: { subject: string; payload: unknown }[] = [];
  const nats = { request: async (contract: { subject: string }, payload: unknown) => (calls.push({ subject: contract.subject, payload }), reply) };
  return { nats: nats as unknown as NatsRpcClient, calls };
}

const actor: Actor = { id: '11111111-1111-4111-8111-111111111111', role: 'member', sessionId: '22222222-2222-4222-8222-222222222222' };

describe('events, notifications and presence routes forward to their services', () => {
  it('GET /api/presence asks realtime.presence (the caller travels as the token) and answers what it says', async () => {
    const answer = { items: [{ userId: actor.id, lastSeenAt: '2026-01-01T00:00:00.000Z' }] };
    const { nats, calls } = fakeNats(answer);
    expect(await new PresenceController(nats).list()).toBe(answer);
    expect(calls).toEqual([{ subject: RealtimeContract.presence.subject, payload: {} }]);
  });

  it('GET /api/events forwards only the validated filters, never a caller field', async () => {
    const { nats, calls } = fakeNats();
    const query = Object.assign(new (class {})(), { type: ['task.created'], taskId: actor.id, limit: 5, extra: 'dropped' }) as unknown as ListEventsQuery;
    await new EventsController(nats).list(query);
    expect(calls).toEqual([
      {
        subject: EventsContract.list.subject,
        payload: { type: ['task.created'], taskId: actor.id, actorId: undefined, from: undefined, to: undefined, limit: 5, cursor: undefined },
      },
    ]);
  });

  it('notification routes send no caller field: services take it from the token', async () => {
    const { nats, calls } = fakeNats();
    const controller = new NotificationsController(nats);
    await controller.list({ unread: true, limit: 2 });
    await controller.markRead('33333333-3333-4333-8333-333333333333');
    await controller.readAll();
    expect(calls).toEqual([
      { subject: EventsContract.listNotifications.subject, payload: { unread: true, limit: 2, cursor: undefined } },
      { subject: EventsContract.markRead.subject, payload: { notificationId: '33333333-3333-4333-8333-333333333333' } },
      { subject: EventsContract.readAll.subject, payload: {} },
    ]);
  });
});
