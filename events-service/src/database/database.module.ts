import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { getConnectionToken, getModelToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { APP_ENV } from '#config';
import type { EventsEnv } from '../config/events.env.js';
import { EVENT_LOG_TTL_INDEX, EventLog, EventLogSchema } from '../event-log/event-log.schema.js';
import { DeadLetter, DeadLetterSchema } from '../ingest/dead-letter.schema.js';
import { Notification, NotificationSchema } from '../notifications/notification.schema.js';
import { ensureTtlIndex } from './ttl-index.js';

export const SERVICE_NAME = 'events-service';

const models = MongooseModule.forFeature([
  { name: EventLog.name, schema: EventLogSchema },
  { name: Notification.name, schema: NotificationSchema },
  { name: DeadLetter.name, schema: DeadLetterSchema },
]);

/**
 * MongoDB for the event log, notifications and dead letters. Collections and indexes are
 * never created implicitly (autoCreate/autoIndex off): start-up creates every index
 * explicitly, once, before the service takes work; creating an existing index is a no-op,
 * so replicas starting together are fine.
 */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: EventsEnv) => ({
        uri: env.MONGODB_URI,
        appName: SERVICE_NAME,
        autoCreate: false,
        autoIndex: false,
        serverSelectionTimeoutMS: 5000,
        // Start-up waits for MongoDB this long (10 × 2 s) before giving up.
        retryAttempts: 10,
        retryDelay: 2000,
      }),
    }),
    models,
  ],
  exports: [models],
})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger(DatabaseModule.name);

  constructor(
    @Inject(APP_ENV) private readonly env: EventsEnv,
    @Inject(getConnectionToken()) private readonly connection: Connection,
    @Inject(getModelToken(EventLog.name)) private readonly eventLogs: Model<EventLog>,
    @Inject(getModelToken(Notification.name)) private readonly notifications: Model<Notification>,
    @Inject(getModelToken(DeadLetter.name)) private readonly deadLetters: Model<DeadLetter>,
  ) {}

  async onModuleInit(): Promise<void> {
    await Promise.all([this.eventLogs.createIndexes(), this.notifications.createIndexes(), this.deadLetters.createIndexes()]);
    const outcome = await ensureTtlIndex(this.connection, this.eventLogs.collection.collectionName, {
      name: EVENT_LOG_TTL_INDEX,
      field: 'createdAt',
      expireAfterSeconds: this.env.EVENT_RETENTION_DAYS * 86_400,
    });
    if (outcome !== 'unchanged') this.logger.log(`Event-log retention index ${outcome}: ${this.env.EVENT_RETENTION_DAYS} days`);
  }
}
