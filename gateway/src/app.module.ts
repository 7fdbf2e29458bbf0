import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { natsConnectionOptions, NatsClientModule } from '#nats';
import { AccessTokenGuard } from './auth/access-token.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { RolesGuard } from './auth/roles.guard.js';
import type { GatewayEnv } from './config/gateway.env.js';
import { CommentsModule } from './comments/comments.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { RequestContextInterceptor } from './http/request-context.interceptor.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RedisModule } from './redis/redis.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static register(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        NatsClientModule.forRoot({
          connection: natsConnectionOptions(env, 'gateway'),
          requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS,
          maxInFlightPerService: env.GATEWAY_MAX_IN_FLIGHT_PER_SERVICE,
          overloadBackoffMs: env.GATEWAY_OVERLOAD_BACKOFF_MS,
        }),
        AccessTokenModule.forRoot({ publicKeys: env.JWT_PUBLIC_KEYS, ttlSeconds: env.JWT_ACCESS_TTL }),
        RedisModule,
        RateLimitModule,
        MetricsModule,
        HealthModule,
        AuthModule,
        UsersModule,
        TasksModule,
        ProjectsModule,
        CommentsModule,
        EventsModule,
        NotificationsModule,
        PresenceModule,
      ],
      providers: [
        // Guards run in this order: rate limit first, so floods of bad tokens are limited too.
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
