import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AccessTokens } from '#auth';
import type { Actor, AuthSession, ChangePasswordRequest, IssuedTokens, LoginRequest, RegisterRequest, UserDto } from '#contracts';
import { isUniqueViolation } from '#postgres';
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
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  async register(request: RegisterRequest): Promise<AuthSession> {
    const passwordHash = await this.passwords.hash(request.password);
    let user: UserEntity;
    try {
      user = await this.users.insert({ email: normalizeEmail(request.email), name: request.name, passwordHash, role: 'member' });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    return this.startLogin(user);
  }

  async login(request: LoginRequest): Promise<AuthSession> {
    const user = await this.users.findByEmail(normalizeEmail(request.email));
    if (!(await this.passwords.verify(request.password, user?.passwordHash)) || !user) throw invalidCredentials();
    return this.startLogin(user);
  }

  /** Each refresh token works once; presenting a used one revokes its whole login. */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const claims = await this.refreshTokens.verify(refreshToken);
    if (!claims) throw invalidRefreshToken();
    const next = await this.refreshTokens.sign(claims.sub, claims.fam);
    const outcome = await this.sessions.rotate(claims.jti, RefreshTokens.hash(refreshToken), {
      id: next.id,
      familyId: claims.fam,
      userId: claims.sub,
      tokenHash: next.tokenHash,
      expiresAt: next.expiresAt,
    });
    if (outcome.kind !== 'rotated') throw invalidRefreshToken();
    const user = await this.users.findById(outcome.userId);
    if (!user) throw invalidRefreshToken();
    const accessToken = await this.accessTokens.sign({ sub: user.id, role: user.role, sid: outcome.familyId });
    return { accessToken, refreshToken: next.token, refreshExpiresAt: next.expiresAt.toISOString() };
  }

  async logout(refreshToken: string | undefined): Promise<null> {
    const claims = refreshToken ? await this.refreshTokens.verify(refreshToken) : null;
    if (claims && refreshToken) {
      const familyId = await this.sessions.findFamilyOf(claims.jti, RefreshTokens.hash(refreshToken));
      if (familyId) await this.sessions.revokeFamily(familyId);
    }
    return null;
  }

  async logoutAll(actor: Actor): Promise<null> {
    await this.sessions.revokeAllOfUser(actor.id);
    return null;
  }

  /** The caller's own login survives; every other one is revoked. */
  async changePassword(request: ChangePasswordRequest): Promise<null> {
    const user = await this.users.findById(request.actor.id);
    if (!user) throw userGone();
    if (!(await this.passwords.verify(request.currentPassword, user.passwordHash))) throw wrongCurrentPassword();
    await this.users.updatePassword(user.id, await this.passwords.hash(request.newPassword));
    await this.sessions.revokeAllOfUser(user.id, request.actor.sessionId);
    return null;
  }

  async me(actor: Actor): Promise<UserDto> {
    const user = await this.users.findById(actor.id);
    if (!user) throw userGone();
    return toUserDto(user);
  }

  private async startLogin(user: UserEntity): Promise<AuthSession> {
    const familyId = randomUUID();
    const refresh = await this.refreshTokens.sign(user.id, familyId);
    await this.sessions.insert({ id: refresh.id, familyId, userId: user.id, tokenHash: refresh.tokenHash, expiresAt: refresh.expiresAt });
    const accessToken = await this.accessTokens.sign({ sub: user.id, role: user.role, sid: familyId });
    return { user: toUserDto(user), accessToken, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt.toISOString() };
  }
}
