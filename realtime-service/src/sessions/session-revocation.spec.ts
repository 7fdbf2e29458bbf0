import { describe, expect, it } from '@jest/globals';
import { parseSessionRevocation, sessionRoom } from './session-revocation.js';

const userId = '3b241101-e2bb-4255-8caf-4136c566a962';
const sid = '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11';
const other = '0f8fad5b-d9cb-469f-a165-70867728950e';
const event = (data: unknown, type = 'user.logout') => ({ eventId: other, type, userId, actorId: userId, occurredAt: new Date().toISOString(), data, requestId: null });

describe('session revocations', () => {
  it('reads the revoked logins and the reason of a user.logout event', () => {
    expect(parseSessionRevocation(event({ sessions: 'one', sessionIds: [sid], reason: 'logout' }))).toEqual({ userId, sessionIds: [sid], reason: 'logout' });
    expect(parseSessionRevocation(event({ sessions: 'others', sessionIds: [sid, sid, other], keptSessionId: userId, reason: 'password_changed' }))).toEqual({
      userId,
      sessionIds: [sid, other],
      reason: 'password_changed',
    });
    expect(parseSessionRevocation(event({ sessions: 'all', sessionIds: [], reason: 'logout_all' }))?.sessionIds).toEqual([]);
  });

  it('refuses other events, events that do not name their sessions, and malformed ones', () => {
    expect(parseSessionRevocation(event({ sessions: 'one' }))).toBeUndefined();
    expect(parseSessionRevocation(event({ sessionIds: [sid], reason: 'logout' }, 'user.login'))).toBeUndefined();
    expect(parseSessionRevocation(event({ sessionIds: ['not-a-uuid'], reason: 'logout' }))).toBeUndefined();
    expect(parseSessionRevocation(event({ sessionIds: [sid], reason: 'because' }))).toBeUndefined();
    expect(parseSessionRevocation(event({ sessionIds: sid, reason: 'logout' }))).toBeUndefined();
    expect(parseSessionRevocation({ ...event({ sessionIds: [sid], reason: 'logout' }), userId: null })).toBeUndefined();
    expect(parseSessionRevocation(null)).toBeUndefined();
    expect(parseSessionRevocation('user.logout')).toBeUndefined();
  });

  it('names one room per login', () => {
    expect(sessionRoom(sid)).toBe(`session:${sid}`);
  });
});
