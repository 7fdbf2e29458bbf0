import { length } from 'class-validator';
import { z } from 'zod';

/**
 * The pieces every event schema is made of. Objects are strict: a field the schema does not
 * name is refused, by the producer before it writes the event and by every consumer (see
 * docs/events.md, "Compatibility"), so a new field cannot vanish on its way to the log.
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const uuid = z.string().regex(UUID_PATTERN, 'must be a uuid');

export const isoDateTime = z
  .string()
  .max(40)
  .regex(ISO_DATE_TIME, 'must be an ISO 8601 date-time')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a valid date-time');

/** The X-Request-Id of the request that caused the event; absent in old events, read as null. */
export const requestId = z
  .string()
  .max(256)
  .nullish()
  .transform((value) => value ?? null);

/**
 * Text bounded as the request contracts bound it (class-validator's Length counts a
 * surrogate pair as one character), so an event holds exactly what a request may set. The
 * common case, plain text within the bound in UTF-16 units, skips the count.
 */
export function text(min: number, max: number) {
  return z.string().refine((value) => (min === 0 && value.length <= max) || length(value, min, max), `must be ${min}-${max} characters`);
}

/** Ids of users, bounded: a list longer than this is not a real audience. */
export const userIds = (max: number) => z.array(uuid).max(max);
export const AUDIENCE_MAX = 10_000;

/** Change values are stored as they are: plain scalars or lists of them, never objects (no `$`-keys can reach MongoDB). */
const scalar = z.union([z.string().max(20_000), z.number(), z.boolean(), z.null()]);
export const plainValue = z.union([scalar, z.array(scalar).max(AUDIENCE_MAX)]);
export const fieldChange = z.strictObject({ from: plainValue, to: plainValue });
