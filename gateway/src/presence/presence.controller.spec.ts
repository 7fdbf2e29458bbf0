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
  it('GET /api/presence asks realtime.presence with the caller and answers what it says', async () => {
    const answer = { items: [{ userId: actor.id, lastSeenAt: '2026-01-01T00:00:00.000Z' }] };
    const { nats, calls } = fakeNats(answer);
    expect(await new PresenceController(nats).list(actor)).toBe(answer);
    expect(calls).toEqual([{ subject: RealtimeContract.presence.subject, payload: { actor } }]);
  });

  it('GET /api/events forwards only the validated filters plus the caller', async () => {
    const { nats, calls } = fakeNats();
    const query = Object.assign(new (class {})(), { type: ['task.created'], taskId: actor.id, limit: 5, extra: 'dropped' }) as unknown as ListEventsQuery;
    await new EventsController(nats).list(actor, query);
    expect(calls).toEqual([
      {
        subject: EventsContract.list.subject,
        payload: { type: ['task.created'], taskId: actor.id, actorId: undefined, from: undefined, to: undefined, limit: 5, cursor: undefined, actor },
      },
    ]);
  });

  it('notification routes ask for the caller only', async () => {
    const { nats, calls } = fakeNats();
    const controller = new NotificationsController(nats);
    await controller.list(actor, { unread: true, limit: 2 });
    await controller.markRead(actor, '33333333-3333-4333-8333-333333333333');
    await controller.readAll(actor);
    expect(calls).toEqual([
      { subject: EventsContract.listNotifications.subject, payload: { unread: true, limit: 2, cursor: undefined, actor } },
      { subject: EventsContract.markRead.subject, payload: { actor, notificationId: '33333333-3333-4333-8333-333333333333' } },
      { subject: EventsContract.readAll.subject, payload: { actor } },
    ]);
  });
});
