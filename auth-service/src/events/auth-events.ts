import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX, AuthEventContract, sessionsRevokedBy, type AuthEvent, type AuthEventType, type SessionsRevokedData } from '#contracts';
import { currentRequestId } from '#logging';
import { eventStreamConfig, insertOutboxRow, OutboxSignal, type OutboxMessage } from '#outbox';

export const AUTH_OUTBOX_TABLE = 'auth_outbox';
export const AUTH_EVENTS_STREAM_CONFIG = eventStreamConfig(AUTH_EVENTS_STREAM, AUTH_EVENTS_SUBJECT_PREFIX);

/** Events about one user leave in outbox order; a failed login with an unknown email has no user to order by. */
export function authEventOrderingKey(payload: unknown): string | null {
  return (payload as Partial<AuthEvent>).userId ?? null;
}

export interface AuthEventInput {
  userId: string | null;
  actorId: string | null;
  /** Details for the log; never a password or a token. */
  data?: AuthEvent['data'];
}

export function buildAuthEvent(type: AuthEventType, input: AuthEventInput, now = new Date()): OutboxMessage<AuthEvent> {
  const payload: AuthEvent = {
    eventId: randomUUID(),
    type,
    userId: input.userId,
    actorId: input.actorId,
    occurredAt: now.toISOString(),
    data: input.data ?? {},
    requestId: currentRequestId() ?? null,
  };
  return AuthEventContract.encode(payload);
}

/** Auth events go out through the outbox: written with the change they describe, published by the relay. */
@Injectable()
export class AuthEvents {
  constructor(private readonly signal: OutboxSignal) {}

  /** Call inside the change's transaction; `published()` after it commits. */
  record(db: EntityManager, type: AuthEventType, input: AuthEventInput): Promise<void> {
    return insertOutboxRow(db, AUTH_OUTBOX_TABLE, buildAuthEvent(type, input));
  }

  /** Every revocation of logins is a `user.logout` event naming exactly which ones, so realtime-service can end their sockets. */
  recordRevocation(db: EntityManager, input: Omit<AuthEventInput, 'data'>, data: SessionsRevokedData): Promise<void> {
    return this.record(db, 'user.logout', { ...input, data: sessionsRevokedBy({ type: 'user.logout', data }) });
  }

  published(): void {
    this.signal.notify();
  }
}
