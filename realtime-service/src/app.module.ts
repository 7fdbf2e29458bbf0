import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenModule } from '#auth';
import { ConfigModule } from '#config';
import { natsConnectionOptions, NatsClientModule } from '#nats';
import { SERVICE_NAME, type RealtimeEnv } from './config/realtime.env.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { RedisModule } from './redis/redis.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { TasksModule } from './tasks/tasks.module.js';

@Module({})
export class AppModule {
  static register(env: RealtimeEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        // Requests (tasks.get, tasks.collaborators) and the JetStream / core subscriptions share this connection.
        NatsClientModule.forRoot({ connection: natsConnectionOptions(env, SERVICE_NAME), requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS }),
        AccessTokenModule.forRoot({ publicKeys: env.JWT_PUBLIC_KEYS, ttlSeconds: env.JWT_ACCESS_TTL }),
        RedisModule,
        MetricsModule,
        HealthModule,
        PresenceModule,
        TasksModule,
        NotificationsModule,
        SessionsModule,
      ],
    };
  }
}
