import { z } from 'zod';
import { defineEvent } from '../define-event.js';
import { AUTH_EVENT_TYPES, authEventSubject } from '../events.contract.js';
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
