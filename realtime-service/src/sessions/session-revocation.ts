import { AuthEventContract, EventSchemaError, sessionsRevokedBy, type SessionRevocationReason } from '#contracts';

/** Every socket of one login (the access token's `sid`): what a revocation ends. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface SessionRevocation {
  userId: string;
  sessionIds: string[];
  reason: SessionRevocationReason;
}

/**
 * The logins a `user.logout` auth event revoked, checked by its contract; throws
 * EventSchemaError (with the reason) for anything else, including events recorded before
 * they named their sessions, which cannot be acted on.
 */
export function parseSessionRevocation(data: Uint8Array | string): SessionRevocation {
  const event = AuthEventContract.decode(data);
  const revoked = sessionsRevokedBy(event);
  if (!event.userId) throw new EventSchemaError('a user.logout event names no user');
  return { userId: event.userId, sessionIds: [...new Set(revoked.sessionIds)], reason: revoked.reason };
}
