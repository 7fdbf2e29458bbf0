import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenSigner } from '#auth';
import { APP_ENV } from '#config';
import type { Actor, AuthSession, ChangePasswordBody, IssuedTokens, LoginRequest, RegisterRequest, UserDto } from '#contracts';
import { isUniqueViolation } from '#postgres';
import type { AuthEnv } from '../config/auth.env.js';
import { AuthEvents } from '../events/auth-events.js';
import { RefreshSessionsRepository } from '../sessions/refresh-sessions.repository.js';
import { RefreshTokens } from '../sessions/refresh-tokens.js';
import { toUserDto, type UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { emailTaken, invalidCredentials, invalidRefreshToken, userGone, wrongCurrentPassword } from './auth.errors.js';
import { PasswordHasher } from './password-hasher.js';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: RefreshSessionsRepository,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenSigner,
    private readonly refreshTokens: RefreshTokens,
    private readonly events: AuthEvents,
    private readonly dataSource: DataSource,
    @Inject(APP_ENV) private readonly env: Pick<AuthEnv, 'REFRESH_REUSE_GRACE_S'>,
  ) {}

  async register(request: RegisterRequest): Promise<AuthSession> {
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return await this.inTransaction(async (db) => {
        const user = await this.users.insert({ email: normalizeEmail(request.email), name: request.name, passwordHash, role: 'member' }, db);
        await this.events.record(db, 'user.registered', { userId: user.id, actorId: user.id, data: { email: user.email } });
        return this.startLogin(user, db);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  async login(request: LoginRequest): Promise<AuthSession> {
    const email = normalizeEmail(request.email);
    const user = await this.users.findByEmail(email);
    if (!(await this.passwords.verify(request.password, user?.passwordHash)) || !user) {
      await this.inTransaction((db) => this.events.record(db, 'user.login_failed', { userId: user?.id ?? null, actorId: null, data: { email } }));
      throw invalidCredentials();
    }
    return this.inTransaction(async (db) => {
      await this.events.record(db, 'user.login', { userId: user.id, actorId: user.id });
      return this.startLogin(user, db);
    });
  }

  /**
   * Each refresh token works once; presenting a used one revokes its whole login, except
   * within REFRESH_REUSE_GRACE_S of its first use, when it answers the same successor again.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const claims = await this.refreshTokens.verify(refreshToken);
    if (!claims) throw invalidRefreshToken();
    let next = await this.refreshTokens.successorOf(claims);
    const outcome = await this.sessions.rotate(
      claims.jti,
      RefreshTokens.hash(refreshToken),
      { id: next.id, familyId: claims.fam, userId: claims.sub, tokenHash: next.tokenHash, expiresAt: next.expiresAt },
      this.env.REFRESH_REUSE_GRACE_S * 1000,
      // Nobody in particular revoked it (the thief or the owner presented the used token): no actor.
      (db, familyId, userId) =>
        this.events.recordRevocation(db, { userId, actorId: null }, { sessions: 'one', sessionIds: [familyId], reason: 'refresh_token_reused' }),
    );
    if (outcome.kind === 'reused') this.events.published();
    if (outcome.kind === 'replayed') {
      next = await this.refreshTokens.successorOf(claims, outcome.successor.expiresAt);
      // Signed again from the stored expiry: only a changed JWT_REFRESH_TTL could make it differ.
      if (next.tokenHash !== outcome.successor.tokenHash) throw invalidRefreshToken();
    } else if (outcome.kind !== 'rotated') {
      throw invalidRefreshToken();
    }
    const user = await this.users.findById(outcome.userId);
    if (!user) throw invalidRefreshToken();
    const accessToken = this.accessTokens.sign({ sub: user.id, role: user.role, sid: outcome.familyId });
    return { accessToken, refreshToken: next.token, refreshExpiresAt: next.expiresAt.toISOString() };
  }

  async logout(refreshToken: string | undefined): Promise<null> {
    const claims = refreshToken ? await this.refreshTokens.verify(refreshToken) : null;
    if (claims && refreshToken) {
      const familyId = await this.sessions.findFamilyOf(claims.jti, RefreshTokens.hash(refreshToken));
      if (familyId) {
        await this.inTransaction(async (db) => {
          await this.sessions.revokeFamily(familyId, db);
          await this.events.recordRevocation(db, { userId: claims.sub, actorId: claims.sub }, { sessions: 'one', sessionIds: [familyId], reason: 'logout' });
        });
      }
    }
    return null;
  }

  async logoutAll(actor: Actor): Promise<null> {
    await this.inTransaction(async (db) => {
      const sessionIds = await this.sessions.revokeAllOfUser(actor.id, undefined, db);
      await this.events.recordRevocation(db, { userId: actor.id, actorId: actor.id }, { sessions: 'all', sessionIds, reason: 'logout_all' });
    });
    return null;
  }

  /** The caller's own login survives; every other one is revoked. */
  async changePassword(actor: Actor, request: ChangePasswordBody): Promise<null> {
    const user = await this.users.findById(actor.id);
    if (!user) throw userGone();
    if (!(await this.passwords.verify(request.currentPassword, user.passwordHash, 'currentPassword'))) throw wrongCurrentPassword();
    const passwordHash = await this.passwords.hash(request.newPassword, 'newPassword');
    const kept = actor.sessionId;
    // One transaction: the new password, the revocations and their event stand or fall together.
    await this.inTransaction(async (db) => {
      await this.users.updatePassword(user.id, passwordHash, db);
      const sessionIds = await this.sessions.revokeAllOfUser(user.id, kept, db);
      await this.events.recordRevocation(
        db,
        { userId: user.id, actorId: user.id },
        kept ? { sessions: 'others', sessionIds, keptSessionId: kept, reason: 'password_changed' } : { sessions: 'all', sessionIds, reason: 'password_changed' },
      );
    });
    return null;
  }

  async me(actor: Actor): Promise<UserDto> {
    const user = await this.users.findById(actor.id);
    if (!user) throw userGone();
    return toUserDto(user);
  }

  /** Runs a change and its event in one transaction, then wakes the outbox relay. */
  private async inTransaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.events.published();
    return result;
  }

  private async startLogin(user: UserEntity, db: EntityManager): Promise<AuthSession> {
    const familyId = randomUUID();
    const refresh = await this.refreshTokens.sign(user.id, familyId);
    await this.sessions.insert({ id: refresh.id, familyId, userId: user.id, tokenHash: refresh.tokenHash, expiresAt: refresh.expiresAt }, db);
    const accessToken = this.accessTokens.sign({ sub: user.id, role: user.role, sid: familyId });
    return { user: toUserDto(user), accessToken, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt.toISOString() };
  }
}
