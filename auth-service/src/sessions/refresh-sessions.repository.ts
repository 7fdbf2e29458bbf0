import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager, type Repository } from 'typeorm';
import { RefreshSessionEntity } from './refresh-session.entity.js';

export type NewRefreshSession = Pick<RefreshSessionEntity, 'id' | 'familyId' | 'userId' | 'tokenHash' | 'expiresAt'>;

export type RotationOutcome =
  | { kind: 'rotated'; userId: string; familyId: string }
  /** Used again within the grace window: `successor` is the row of the token it was rotated to. */
  | { kind: 'replayed'; userId: string; familyId: string; successor: RefreshSessionEntity }
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'invalid' };

@Injectable()
export class RefreshSessionsRepository {
  constructor(
    @InjectRepository(RefreshSessionEntity) private readonly sessions: Repository<RefreshSessionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(session: NewRefreshSession, db: EntityManager = this.sessions.manager): Promise<void> {
    await db.getRepository(RefreshSessionEntity).insert({ ...session, usedAt: null, revokedAt: null });
  }

  /**
   * Uses the token `id` once and stores its successor, in one transaction. The row lock
   * serialises two concurrent uses of one token. A token used again within `graceMs` of its
   * first use, while its successor (whose id is `successor.id` again: successor ids are
   * deterministic) is alive, is a replay (two tabs refreshing at once, RFC 9700 §4.14.2);
   * used again later, it is a reuse and revokes the family.
   */
  rotate(
    id: string,
    tokenHash: string,
    successor: NewRefreshSession,
    graceMs = 0,
    /** Runs in the transaction that revokes a reused token's family, so the revocation's event commits with it. */
    onFamilyRevoked?: (db: EntityManager, familyId: string, userId: string) => Promise<void>,
  ): Promise<RotationOutcome> {
    return this.dataSource.transaction(async (tx) => {
      const sessions = tx.getRepository(RefreshSessionEntity);
      const current = await sessions.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const matches = current && current.tokenHash === tokenHash && current.familyId === successor.familyId && current.userId === successor.userId;
      if (!current || !matches || current.revokedAt) return { kind: 'invalid' };
      if (current.usedAt) {
        if (Date.now() - current.usedAt.getTime() <= graceMs) {
          const next = await sessions.findOneBy({ id: successor.id });
          const alive = next && !next.revokedAt && next.familyId === current.familyId && next.expiresAt.getTime() > Date.now();
          if (alive) return { kind: 'replayed', userId: current.userId, familyId: current.familyId, successor: next };
        }
        await sessions.update({ familyId: current.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        await onFamilyRevoked?.(tx, current.familyId, current.userId);
        return { kind: 'reused', userId: current.userId, familyId: current.familyId };
      }
      if (current.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      await sessions.update({ id }, { usedAt: new Date() });
      await sessions.insert({ ...successor, usedAt: null, revokedAt: null });
      return { kind: 'rotated', userId: current.userId, familyId: current.familyId };
    });
  }

  async findFamilyOf(id: string, tokenHash: string): Promise<string | null> {
    const session = await this.sessions.findOneBy({ id, tokenHash });
    return session?.familyId ?? null;
  }

  async revokeFamily(familyId: string, db: EntityManager = this.sessions.manager): Promise<void> {
    await db.getRepository(RefreshSessionEntity).update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /**
   * Every login of the user, except `keepFamilyId` (the caller's own, on a password change).
   * Answers the revoked logins that may still have unexpired access tokens: those with an
   * unexpired refresh token, since each access token is issued together with a refresh token
   * that outlives it. Long-expired logins are revoked too but not listed, so the list stays
   * as short as the user's recent logins.
   */
  async revokeAllOfUser(userId: string, keepFamilyId?: string, db: EntityManager = this.sessions.manager): Promise<string[]> {
    const query = db
      .getRepository(RefreshSessionEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: new Date() })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .returning(['familyId', 'expiresAt']);
    if (keepFamilyId) query.andWhere('family_id <> :keepFamilyId', { keepFamilyId });
    const { raw } = await query.execute();
    const now = Date.now();
    const live = (raw as { family_id: string; expires_at: Date }[]).filter((row) => new Date(row.expires_at).getTime() > now);
    return [...new Set(live.map((row) => row.family_id))];
  }
}
