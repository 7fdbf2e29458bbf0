import { describe, expect, it } from '@jest/globals';
import { RpcError } from '#contracts';
import { ListCursorCodec } from './list-cursor.js';

const codec = new ListCursorCodec('unit-test-cursor-secret-0123456789-abcdef');
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
});
