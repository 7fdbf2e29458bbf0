import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_ENV } from '#config';
import { SESSION_REVOCATION_REASONS, type SessionRevocationReason } from '#contracts';
import type { RealtimeEnv } from '../config/realtime.env.js';
import { REDIS } from '../redis/redis.module.js';
import type { RevocationCheck } from './socket-auth.js';

const revokedKey = (sessionId: string) => `realtime:revoked-session:${sessionId}`;
const REASONS = new Set<string>(SESSION_REVOCATION_REASONS);

/**
 * Revoked logins, shared by every replica in Redis, so that an access token of a revoked
 * login (still unexpired: access tokens are stateless) cannot open a new socket. Each entry
 * lives JWT_ACCESS_TTL, the longest any token of that login can still be presented.
 */
@Injectable()
export class RevokedSessions implements RevocationCheck {
  private readonly logger = new Logger(RevokedSessions.name);
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_ENV) private readonly env: RealtimeEnv,
  ) {}

  /** Throws when Redis did not store every entry (the caller retries). */
  async add(sessionIds: string[], reason: SessionRevocationReason): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const sessionId of sessionIds) pipeline.set(revokedKey(sessionId), reason, 'EX', this.env.JWT_ACCESS_TTL);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed || results.length !== sessionIds.length) throw failed?.[0] ?? new Error('Redis did not answer every SET');
  }

  /**
   * Why the login was revoked, or undefined if it was not. Redis unreachable: undefined, so
   * sockets still connect (fail open) — an access token works until it expires everywhere
   * else too (the gateway does not keep a revocation list), and realtime without Redis has
   * no cross-replica delivery anyway.
   */
  async reasonFor(sessionId: string): Promise<SessionRevocationReason | undefined> {
    try {
      const reason = await this.redis.get(revokedKey(sessionId));
      this.recovered();
      // The key's presence is what revokes; the reason is only what the client is told.
      if (reason === null) return undefined;
      return REASONS.has(reason) ? (reason as SessionRevocationReason) : 'logout';
    } catch (error) {
      if (!this.failing) this.logger.warn(`Cannot check revoked sessions (${error instanceof Error ? error.message : String(error)}); admitting sockets unchecked`);
      this.failing = true;
      return undefined;
    }
  }

  private recovered(): void {
    if (this.failing) this.logger.log('Checking revoked sessions again');
    this.failing = false;
  }
}
