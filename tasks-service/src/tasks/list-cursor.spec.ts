import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { RpcError } from '#contracts';
import { ListCursorCodec } from './list-cursor.js';

const SECRET = 'unit-test-cursor-secret-0123456789-abcdef';
const codec = new ListCursorCodec(SECRET);
const position = { value: '2030-01-01 00:00:00.123456+00', id: '55555555-5555-4555-8555-555555555555' };

function refused(run: () => unknown): RpcError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).toBody()).toEqual({ code: 'VALIDATION', message: ['cursor is not a valid cursor'] });
    return error as RpcError;
  }
  throw new Error('cursor was accepted');
}

describe('ListCursorCodec', () => {
  it('round-trips a position as base64url only', () => {
    const cursor = codec.encode('createdAt', 'desc', position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor, 'createdAt', 'desc')).toEqual(position);
  });

  it('still reads cursors clients hold from before the shared codec (#cursor)', () => {
    const before = 'T7HvUDVvvEq8sqSiK02Z1P4D74N7Dk885SMpEo6QBiJ7InMiOiJjcmVhdGVkQXQiLCJvIjoiZGVzYyIsInYiOiIyMDMwLTAxLTAxIDAwOjAwOjAwLjEyMzQ1NiswMCIsImlkIjoiNTU1NTU1NTUtNTU1NS00NTU1LTg1NTUtNTU1NTU1NTU1NTU1In0';
    expect(codec.decode(before, 'createdAt', 'desc')).toEqual(position);
    expect(codec.encode('createdAt', 'desc', position)).toBe(before);
  });

  it('refuses a cursor made for another sort or order', () => {
    const cursor = codec.encode('createdAt', 'desc', position);
    refused(() => codec.decode(cursor, 'createdAt', 'asc'));
    refused(() => codec.decode(cursor, 'dueDate', 'desc'));
  });

  it('refuses tampered, truncated, garbage and foreign cursors', () => {
    const cursor = codec.encode('priority', 'asc', { value: '2', id: position.id });
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 3] ^= 1;
    refused(() => codec.decode(raw.toString('base64url'), 'priority', 'asc'));
    refused(() => codec.decode(cursor.slice(0, -4), 'priority', 'asc'));
    refused(() => codec.decode('abc', 'priority', 'asc'));
    refused(() => codec.decode('', 'priority', 'asc'));
    refused(() => codec.decode(Buffer.from(JSON.stringify({ s: 'priority', o: 'asc', v: '2', id: position.id })).toString('base64url'), 'priority', 'asc'));
    const other = new ListCursorCodec('another-cursor-secret-0123456789-abcdefgh');
    refused(() => codec.decode(other.encode('priority', 'asc', { value: '2', id: position.id }), 'priority', 'asc'));
  });

  it('refuses a validly signed cursor whose payload has the wrong shape or types', () => {
    // What someone holding the secret (or a guess of it) could sign: each would reach a SQL cast.
    const forged = (body: unknown) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const mac = createHmac('sha256', SECRET).update(bytes).digest();
      return Buffer.concat([mac, bytes]).toString('base64url');
    };
    const good = { s: 'createdAt', o: 'desc', v: position.value, id: position.id };
    expect(codec.decode(forged(good), 'createdAt', 'desc')).toEqual(position);
    for (const body of [
      null,
      [],
      'text',
      42,
      { ...good, v: 'not a time' },
      { ...good, v: '2030-02-30 00:00:00+00' },
      { ...good, v: '2030-01-01 00:00:00+00\u0000' },
      { ...good, v: 12 },
      { ...good, v: { $gt: '' } },
      { ...good, id: 'not-a-uuid' },
      { ...good, id: ['55555555-5555-4555-8555-555555555555'] },
      { ...good, extra: true },
      { s: 'createdAt', o: 'desc', v: position.value },
      { ...good, s: 'priority', v: 'high' },
      { ...good, s: 'priority', v: '99999' },
      { ...good, s: 'dueDate', v: 'tomorrow' },
    ]) {
      const body2 = body as { s?: string; o?: string } | null;
      const sort = (body2 && typeof body2 === 'object' && !Array.isArray(body2) && body2.s) || 'createdAt';
      refused(() => codec.decode(forged(body), sort as 'createdAt', 'desc'));
    }
    expect(codec.decode(forged({ ...good, s: 'dueDate', v: 'infinity' }), 'dueDate', 'desc').value).toBe('infinity');
    expect(codec.decode(forged({ ...good, s: 'priority', v: '3' }), 'priority', 'desc').value).toBe('3');
    expect(codec.decode(forged({ ...good, v: '2030-01-01 05:30:00.5+05:30' }), 'createdAt', 'desc').value).toBe('2030-01-01 05:30:00.5+05:30');
  });
});
