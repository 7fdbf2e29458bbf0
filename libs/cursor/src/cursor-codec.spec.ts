import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { RpcError } from '#contracts';
import { CursorCodec, type CursorFormat } from './cursor-codec.js';

interface Position {
  n: number;
  id: string;
}
const format: CursorFormat<Position> = {
  write: (p) => [p.n, p.id],
  read: (value) => {
    const [n, id] = Array.isArray(value) && value.length === 2 ? (value as unknown[]) : [];
    return typeof n === 'number' && typeof id === 'string' ? { n, id } : undefined;
  },
};
const SECRET = 'unit-test-cursor-secret-0123456789-abcdef';
const unsigned = new CursorCodec(format);
const signed = new CursorCodec(format, SECRET);
const position = { n: 7, id: 'a' };
const b64 = (text: string) => Buffer.from(text).toString('base64url');

function refused(run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(RpcError);
  expect((error as RpcError).toBody()).toEqual({ code: 'VALIDATION', message: ['cursor is not a valid cursor'] });
}

describe('CursorCodec', () => {
  it.each([
    ['unsigned', unsigned],
    ['signed', signed],
  ])('%s: round-trips a position in base64url characters only', (_, codec) => {
    const cursor = codec.encode(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor)).toEqual(position);
  });

  it('unsigned: the cursor is base64url of the JSON the format writes (the wire format clients hold)', () => {
    expect(unsigned.encode(position)).toBe(b64('[7,"a"]'));
  });

  it('signed: the cursor is base64url of HMAC-SHA256(JSON) followed by the JSON', () => {
    const body = Buffer.from('[7,"a"]');
    expect(signed.encode(position)).toBe(Buffer.concat([createHmac('sha256', SECRET).update(body).digest(), body]).toString('base64url'));
  });

  it.each([
    ['empty', ''],
    ['not JSON', b64('{{{')],
    ['JSON the format does not read', b64('[7]')],
    ['a wrong type inside', b64('["7","a"]')],
    ['non-canonical base64url (padding)', `${unsigned.encode(position)}=`],
    ['characters outside base64url', `${unsigned.encode(position)}!`],
  ])('unsigned: refuses %s', (_, cursor) => {
    refused(() => unsigned.decode(cursor));
  });

  it('signed: refuses tampered, truncated, unsigned and foreign cursors', () => {
    const cursor = signed.encode(position);
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 2] ^= 1;
    refused(() => signed.decode(raw.toString('base64url')));
    refused(() => signed.decode(cursor.slice(0, -4)));
    refused(() => signed.decode(cursor.slice(0, 40)));
    refused(() => signed.decode(unsigned.encode(position)));
    refused(() => signed.decode(new CursorCodec(format, 'another-cursor-secret-0123456789-abcdefgh').encode(position)));
    refused(() => signed.decode(''));
  });

  it('signed: a validly signed body the format does not read is refused too', () => {
    const body = Buffer.from('{"n":7}');
    refused(() => signed.decode(Buffer.concat([createHmac('sha256', SECRET).update(body).digest(), body]).toString('base64url')));
  });
});
