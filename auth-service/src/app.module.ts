import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { NatsRequestContextInterceptor, RpcErrorFilter, rpcValidationPipe } from '#nats';
import { AuthModule } from './auth/auth.module.js';
import type { AuthEnv } from './config/auth.env.js';
import { DatabaseModule } from './database/database.module.js';
import { PingHandler } from './health/ping.handler.js';

@Module({})
export class AppModule {
  static register(env: AuthEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        AccessTokenModule.forRoot({ secret: env.JWT_ACCESS_SECRET, ttlSeconds: env.JWT_ACCESS_TTL }),
        DatabaseModule,
        AuthModule,
      ],
      controllers: [PingHandler],
      providers: [
        { provide: APP_FILTER, useClass: RpcErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: NatsRequestContextInterceptor },
        { provide: APP_PIPE, useFactory: rpcValidationPipe },
      ],
    };
  }
}
