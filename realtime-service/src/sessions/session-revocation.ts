import { SESSION_REVOCATION_REASONS, type SessionRevocationReason } from '#contracts';

/** Every socket of one login (the access token's `sid`): what a revocation ends. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface SessionRevocation {
  userId: string;
  sessionIds: string[];
  reason: SessionRevocationReason;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REASONS = new Set<string>(SESSION_REVOCATION_REASONS);
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * The logins a `user.logout` auth event revoked, or undefined for anything else (including
 * events recorded before they named their sessions, which cannot be acted on).
 */
export function parseSessionRevocation(value: unknown): SessionRevocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as { type?: unknown; userId?: unknown; data?: unknown };
  if (event.type !== 'user.logout' || !isUuid(event.userId) || typeof event.data !== 'object' || event.data === null) return undefined;
  const { sessionIds, reason } = event.data as { sessionIds?: unknown; reason?: unknown };
  if (!Array.isArray(sessionIds) || !sessionIds.every(isUuid) || typeof reason !== 'string' || !REASONS.has(reason)) return undefined;
  return { userId: event.userId, sessionIds: [...new Set(sessionIds)], reason: reason as SessionRevocationReason };
}
