import { describe, expect, it } from '@jest/globals';
import { EventSchemaError } from '#contracts';
import { parseSessionRevocation, sessionRoom } from './session-revocation.js';

const userId = '3b241101-e2bb-4255-8caf-4136c566a962';
const sid = '9b2e2d3c-5a5c-4c2e-8d0c-0b2b5b0d6a11';
const other = '0f8fad5b-d9cb-469f-a165-70867728950e';
const event = (data: unknown, type = 'user.logout') => ({ eventId: other, type, userId, actorId: userId, occurredAt: new Date().toISOString(), data, requestId: null });
const parse = (value: unknown) => parseSessionRevocation(JSON.stringify(value));

describe('session revocations', () => {
  it('reads the revoked logins and the reason of a user.logout event', () => {
    expect(parse(event({ sessions: 'one', sessionIds: [sid], reason: 'logout' }))).toEqual({ userId, sessionIds: [sid], reason: 'logout' });
    expect(parse(event({ sessions: 'others', sessionIds: [sid, sid, other], keptSessionId: userId, reason: 'password_changed' }))).toEqual({
      userId,
      sessionIds: [sid, other],
      reason: 'password_changed',
    });
    expect(parse(event({ sessions: 'all', sessionIds: [], reason: 'logout_all' })).sessionIds).toEqual([]);
  });

  it('refuses, with the reason, anything that does not name the revoked logins', () => {
    const refusal = (value: unknown) => {
      try {
        parse(value);
      } catch (error) {
        if (error instanceof EventSchemaError) return error.reason;
        throw error;
      }
      return 'accepted';
    };
    expect(refusal(event({ sessions: 'one' }))).toMatch(/sessionIds/);
    expect(refusal(event({ sessions: 'one', sessionIds: [sid], reason: 'logout' }, 'user.login'))).toMatch(/not a user.logout event/);
    expect(refusal(event({ sessions: 'one', sessionIds: ['not-a-uuid'], reason: 'logout' }))).toMatch(/sessionIds/);
    expect(refusal(event({ sessions: 'one', sessionIds: [sid], reason: 'because' }))).toMatch(/reason/);
    expect(refusal(event({ sessions: 'one', sessionIds: sid, reason: 'logout' }))).toMatch(/sessionIds/);
    expect(refusal(event({ sessions: 'one', sessionIds: [sid], reason: 'logout', extra: 1 }))).toMatch(/extra|unrecognized/i);
    expect(refusal({ ...event({ sessions: 'one', sessionIds: [sid], reason: 'logout' }), userId: null })).toMatch(/names no user/);
    expect(refusal(null)).not.toBe('accepted');
    expect(refusal('user.logout')).not.toBe('accepted');
  });

  it('names the room of one login', () => {
    expect(sessionRoom(sid)).toBe(`session:${sid}`);
  });
});
