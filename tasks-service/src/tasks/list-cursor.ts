import { createHmac, timingSafeEqual } from 'node:crypto';
import { TASK_SORTS, SORT_ORDERS, type SortOrder, type TaskSort } from '#contracts';
import { badCursor } from './tasks.errors.js';
import type { ListPosition } from './list-query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_BYTES = 32;

interface CursorBody {
  s: TaskSort;
  o: SortOrder;
  v: string;
  id: string;
}

/**
 * Opaque list cursors: base64url(HMAC-SHA256(body) ‖ body), body = JSON {sort, order,
 * value, id}. Only base64url characters (the contract's cursor pattern). A cursor that was
 * tampered with, is garbage, or belongs to another sort or order is refused.
 */
export class ListCursorCodec {
  constructor(private readonly secret: string) {}

  encode(sort: TaskSort, order: SortOrder, position: ListPosition): string {
    const body = Buffer.from(JSON.stringify({ s: sort, o: order, v: position.value, id: position.id } satisfies CursorBody));
    return Buffer.concat([this.mac(body), body]).toString('base64url');
  }

  decode(cursor: string, sort: TaskSort, order: SortOrder): ListPosition {
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length <= MAC_BYTES || raw.toString('base64url') !== cursor) throw badCursor();
    const mac = raw.subarray(0, MAC_BYTES);
    const body = raw.subarray(MAC_BYTES);
    if (!timingSafeEqual(mac, this.mac(body))) throw badCursor();
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw badCursor();
    }
    const parsed = value as Partial<CursorBody> | null;
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      !TASK_SORTS.includes(parsed.s as TaskSort) ||
      !SORT_ORDERS.includes(parsed.o as SortOrder) ||
      typeof parsed.v !== 'string' ||
      typeof parsed.id !== 'string' ||
      !UUID.test(parsed.id)
    ) {
      throw badCursor();
    }
    if (parsed.s !== sort || parsed.o !== order) throw badCursor();
    return { value: parsed.v, id: parsed.id };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(body).digest();
  }
}
