import { CursorCodec, type CursorFormat } from '#cursor';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which list a cursor belongs to: a cursor of one list is refused by the other. */
export type CursorKind = 'events' | 'notifications';

/** Keyset position in a newest-first list: the last item's time and id (the tie-breaker). */
export interface PagePosition {
  at: Date;
  id: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * [kind, ISO time, id], unsigned: every list query also carries the caller's visibility
 * filter, so a hand-made cursor can only move the position inside what the caller may see
 * anyway.
 */
function pageFormat(kind: CursorKind): CursorFormat<PagePosition> {
  return {
    write: (position) => [kind, position.at.toISOString(), position.id],
    read: (value) => {
      if (!Array.isArray(value) || value.length !== 3) return undefined;
      const [k, at, id] = value as unknown[];
      if (k !== kind || typeof at !== 'string' || !ISO_UTC.test(at) || typeof id !== 'string' || !UUID_PATTERN.test(id)) return undefined;
      const date = new Date(at);
      return Number.isNaN(date.getTime()) ? undefined : { at: date, id };
    },
  };
}

const codecs: Record<CursorKind, CursorCodec<PagePosition>> = {
  events: new CursorCodec(pageFormat('events')),
  notifications: new CursorCodec(pageFormat('notifications')),
};

export function encodeCursor(kind: CursorKind, position: PagePosition): string {
  return codecs[kind].encode(position);
}

export function decodeCursor(kind: CursorKind, cursor: string): PagePosition {
  return codecs[kind].decode(cursor);
}
