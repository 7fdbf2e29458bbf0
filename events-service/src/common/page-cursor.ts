import { ErrorCode, RpcError } from '#contracts';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which list a cursor belongs to: a cursor of one list is refused by the other. */
export type CursorKind = 'events' | 'notifications';

/** Keyset position in a newest-first list: the last item's time and id (the tie-breaker). */
export interface PagePosition {
  at: Date;
  id: string;
}

export const badCursor = () => new RpcError(ErrorCode.VALIDATION, ['cursor is not a valid cursor']);

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Opaque cursors: base64url(JSON [kind, ISO time, id]). No secret is needed: every list
 * query also carries the caller's visibility filter, so a hand-made cursor can only move
 * the position inside what the caller may see anyway. Anything else is VALIDATION.
 */
export function encodeCursor(kind: CursorKind, position: PagePosition): string {
  return Buffer.from(JSON.stringify([kind, position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(kind: CursorKind, cursor: string): PagePosition {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length === 0 || raw.toString('base64url') !== cursor) throw badCursor();
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(value) || value.length !== 3) throw badCursor();
  const [k, at, id] = value as unknown[];
  if (k !== kind || typeof at !== 'string' || !ISO_UTC.test(at) || typeof id !== 'string' || !UUID_PATTERN.test(id)) throw badCursor();
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw badCursor();
  return { at: date, id };
}
