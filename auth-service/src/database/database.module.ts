import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_ENV } from '#config';
import { runMigrationsLocked, typeOrmOptions } from '#postgres';
import type { AuthEnv } from '../config/auth.env.js';
import { RefreshSessionEntity } from '../sessions/refresh-session.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { CreateUsersAndSessions1764000000000 } from './migrations/1764000000000-create-users-and-sessions.js';
import { CreateAuthOutbox1766000000000 } from './migrations/1766000000000-create-auth-outbox.js';

export const SERVICE_NAME = 'auth-service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: AuthEnv) =>
        typeOrmOptions(env, {
          service: SERVICE_NAME,
          entities: [UserEntity, RefreshSessionEntity],
          migrations: [CreateUsersAndSessions1764000000000, CreateAuthOutbox1766000000000],
        }),
    }),
  ],
})
export class DatabaseModule implements OnModuleInit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  onModuleInit(): Promise<void> {
    return runMigrationsLocked(this.dataSource, SERVICE_NAME);
  }
}
