import { TASK_SORTS, SORT_ORDERS, type SortOrder, type TaskSort } from '#contracts';
import { badCursor, CursorCodec } from '#cursor';
import type { ListPosition } from './list-query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** timestamptz as PostgreSQL prints it: `2030-01-01 00:00:00.123456+00`, `+05:30`, `... BC`. */
const PG_TIMESTAMPTZ = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2}(:\d{2})?)?( BC)?$/;

function isPgTimestamptz(text: string): boolean {
  const match = PG_TIMESTAMPTZ.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // A real calendar day (Date.UTC would roll 2030-02-30 over to March; PostgreSQL refuses it).
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/**
 * Whether `value` is a sort key PostgreSQL will cast to the sort's type. A validly signed
 * cursor can still carry anything (a guessed or leaked secret, an old format): the value
 * reaches a `::timestamptz` / `::smallint` cast, where garbage would be a 500, not a 400.
 */
export function isSortValue(sort: TaskSort, value: string): boolean {
  switch (sort) {
    case 'priority':
      return /^-?\d{1,5}$/.test(value) && Math.abs(Number(value)) <= 32767;
    case 'dueDate':
      return value === 'infinity' || value === '-infinity' || isPgTimestamptz(value);
    case 'createdAt':
    case 'updatedAt':
      return isPgTimestamptz(value);
  }
}

interface CursorBody {
  s: TaskSort;
  o: SortOrder;
  v: string;
  id: string;
}

/** Exactly {s, o, v, id}, with a sort key of the sort's type; undefined otherwise. */
function readBody(value: unknown): CursorBody | undefined {
  const parsed = value as Partial<CursorBody> | null;
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !TASK_SORTS.includes(parsed.s as TaskSort) ||
    !SORT_ORDERS.includes(parsed.o as SortOrder) ||
    Object.keys(parsed).length !== 4 ||
    typeof parsed.v !== 'string' ||
    !isSortValue(parsed.s as TaskSort, parsed.v) ||
    typeof parsed.id !== 'string' ||
    !UUID.test(parsed.id)
  ) {
    return undefined;
  }
  return parsed as CursorBody;
}

/**
 * List cursors of tasks, projects and comments: the signed cursor of `#cursor` over JSON
 * {sort, order, value, id}. Signed because the sort key reaches a SQL cast and the position is
 * not bounded by a visibility filter the way events' is. A cursor that belongs to another
 * sort or order is refused too.
 */
export class ListCursorCodec {
  private readonly codec: CursorCodec<CursorBody>;

  constructor(secret: string) {
    this.codec = new CursorCodec({ write: (body: CursorBody) => body, read: readBody }, secret);
  }

  encode(sort: TaskSort, order: SortOrder, position: ListPosition): string {
    return this.codec.encode({ s: sort, o: order, v: position.value, id: position.id });
  }

  decode(cursor: string, sort: TaskSort, order: SortOrder): ListPosition {
    const body = this.codec.decode(cursor);
    if (body.s !== sort || body.o !== order) throw badCursor();
    return { value: body.v, id: body.id };
  }
}
