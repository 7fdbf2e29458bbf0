import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RefreshSessionEntity } from '../sessions/refresh-session.entity.js';
import { RefreshSessionsRepository } from '../sessions/refresh-sessions.repository.js';
import { RefreshTokens } from '../sessions/refresh-tokens.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersHandler } from '../users/users.handler.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { AuthHandler } from './auth.handler.js';
import { AuthEvents } from '../events/auth-events.js';
import { AuthService } from './auth.service.js';
import { HashingPool } from './hashing-pool.js';
import { PasswordHasher } from './password-hasher.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, RefreshSessionEntity])],
  controllers: [AuthHandler, UsersHandler],
  providers: [AuthEvents, AuthService, UsersService, UsersRepository, RefreshSessionsRepository, RefreshTokens, HashingPool, PasswordHasher],
})
export class AuthModule {}
