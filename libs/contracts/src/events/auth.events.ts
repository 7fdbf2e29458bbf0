import { z } from 'zod';
import { defineEvent, describeIssues, EventSchemaError } from '../define-event.js';
import { AUTH_EVENT_TYPES, authEventSubject, SESSION_REVOCATION_REASONS, type SessionsRevokedData } from '../events.contract.js';
import { isoDateTime, plainValue, requestId, uuid } from './fields.js';

export const authEventSchema = z.strictObject({
  eventId: uuid,
  type: z.enum(AUTH_EVENT_TYPES),
  /** The user the event is about (null for a failed login with an unknown email). */
  userId: uuid.nullable(),
  /** Who did it: the user themself, or the admin for a role change. */
  actorId: uuid.nullable(),
  occurredAt: isoDateTime,
  /** e.g. `{ email }` for login_failed, `{ from, to }` for role_changed (SessionsRevokedData for logout). Never a password. */
  data: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'data keys must be plain names'), plainValue).default({}),
  requestId,
});

export type AuthEvent = z.output<typeof authEventSchema>;

export const AuthEventContract = defineEvent({ name: 'auth event', schema: authEventSchema, types: AUTH_EVENT_TYPES, subject: (event) => authEventSubject(event.type) });

/** `data` of a `user.logout` event: the logins it revoked (SessionsRevokedData). */
export const sessionsRevokedDataSchema = z.strictObject({
  sessions: z.enum(['one', 'all', 'others']),
  sessionIds: z.array(uuid).max(10_000),
  keptSessionId: uuid.optional(),
  reason: z.enum(SESSION_REVOCATION_REASONS),
});

/**
 * The logins a `user.logout` event revoked, checked by the one schema its producer
 * (auth-service) and its consumer (realtime-service) share; throws EventSchemaError with the
 * reason for another event, or one that names no sessions (recorded before events did).
 */
export function sessionsRevokedBy(event: Pick<AuthEvent, 'type' | 'data'>): SessionsRevokedData {
  if (event.type !== 'user.logout') throw new EventSchemaError(`not a user.logout event: ${event.type}`);
  const result = sessionsRevokedDataSchema.safeParse(event.data);
  if (!result.success) throw new EventSchemaError(describeIssues('user.logout data', result.error));
  return result.data;
}
