import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode, RpcError } from '#contracts';

/** The one answer to a cursor a list cannot use, whatever is wrong with it: VALIDATION (400). */
export const badCursor = () => new RpcError(ErrorCode.VALIDATION, ['cursor is not a valid cursor']);

/** What a list's cursors carry: its position written as a JSON value, and read back. */
export interface CursorFormat<P> {
  write(position: P): unknown;
  /**
   * The position `value` holds, or undefined unless it is exactly one of this list's. `value`
   * is any JSON a client sent (unsigned cursors) and reaches a query, so check every field's
   * type and range here: a value the database cannot compare or cast would be a 500, not a 400.
   */
  read(value: unknown): P | undefined;
}

const MAC_BYTES = 32;

/**
 * Opaque keyset cursors, for every paged list: base64url(JSON), or with a secret
 * base64url(HMAC-SHA256(JSON) ‖ JSON), where a client must not move the position at will.
 * Only base64url characters (the contract's cursor pattern, so the gateway refuses anything
 * else before it reaches a service). decode() refuses with badCursor() a cursor that is not
 * canonical base64url, whose signature does not match, that is not JSON, or that the format
 * does not read as a position.
 */
export class CursorCodec<P> {
  constructor(
    private readonly format: CursorFormat<P>,
    private readonly secret?: string,
  ) {}

  encode(position: P): string {
    const body = Buffer.from(JSON.stringify(this.format.write(position)));
    return (this.secret === undefined ? body : Buffer.concat([this.mac(body, this.secret), body])).toString('base64url');
  }

  decode(cursor: string): P {
    const raw = Buffer.from(cursor, 'base64url');
    const macBytes = this.secret === undefined ? 0 : MAC_BYTES;
    if (raw.length <= macBytes || raw.toString('base64url') !== cursor) throw badCursor();
    const body = raw.subarray(macBytes);
    if (this.secret !== undefined && !timingSafeEqual(raw.subarray(0, MAC_BYTES), this.mac(body, this.secret))) throw badCursor();
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw badCursor();
    }
    const position = this.format.read(value);
    if (position === undefined) throw badCursor();
    return position;
  }

  private mac(body: Buffer, secret: string): Buffer {
    return createHmac('sha256', secret).update(body).digest();
  }
}
