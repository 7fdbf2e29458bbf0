import { describe, expect, it } from '@jest/globals';
import { RpcError } from '#contracts';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const id = '0b7c9b1f-3a3b-4c1e-9a57-0b7c9b1f3f1a';
const at = new Date('2026-11-25T12:00:00.123Z');

function refused(kind: 'events' | 'notifications', cursor: string) {
  try {
    decodeCursor(kind, cursor);
  } catch (error) {
    return error instanceof RpcError && error.code === 'VALIDATION' && JSON.stringify(error.messages) === '["cursor is not a valid cursor"]';
  }
  return false;
}

describe('page cursor', () => {
  it('round-trips and uses base64url characters only', () => {
    const cursor = encodeCursor('events', { at, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('events', cursor)).toEqual({ at, id });
  });

  it('still reads cursors clients hold from before the shared codec (#cursor)', () => {
    const before = 'WyJldmVudHMiLCIyMDI2LTExLTI1VDEyOjAwOjAwLjEyM1oiLCIwYjdjOWIxZi0zYTNiLTRjMWUtOWE1Ny0wYjdjOWIxZjNmMWEiXQ';
    expect(decodeCursor('events', before)).toEqual({ at, id });
    expect(encodeCursor('events', { at, id })).toBe(before);
  });

  it("refuses the other list's cursor", () => {
    expect(refused('notifications', encodeCursor('events', { at, id }))).toBe(true);
  });

  it.each([
    ['garbage', 'garbage'],
    ['empty JSON array', Buffer.from('[]').toString('base64url')],
    ['not JSON', Buffer.from('{{{').toString('base64url')],
    ['object id', Buffer.from(JSON.stringify(['events', at.toISOString(), { $gt: '' }])).toString('base64url')],
    ['bad date', Buffer.from(JSON.stringify(['events', '2026-13-45T99:00:00.000Z', id])).toString('base64url')],
    ['non-uuid id', Buffer.from(JSON.stringify(['events', at.toISOString(), 'x'])).toString('base64url')],
    ['non-canonical base64', `${encodeCursor('events', { at, id })}=`],
  ])('refuses %s', (_, cursor) => {
    expect(refused('events', cursor)).toBe(true);
  });
});
