import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import type { Collection, Connection, Model } from 'mongoose';
import { APP_ENV } from '#config';
import type { EventsEnv } from '../config/events.env.js';
import { EVENT_LOG_TTL_INDEX, EventLog } from '../event-log/event-log.schema.js';
import { DeadLetter } from '../ingest/dead-letter.schema.js';
import { Notification } from '../notifications/notification.schema.js';
import { ensureTtlIndex } from './ttl-index.js';

/** How often, at most, the writes check that the indexes are still there. */
const VERIFY_EVERY_MS = 2_000;
const NAMESPACE_NOT_FOUND = 26;

/**
 * The indexes the event log's correctness rests on: the unique keys that make redeliveries
 * harmless, and the retention TTL. Created at start-up; and because a database can come back
 * empty behind the service's back (the in-memory stand-in restarted, a restore), they are
 * checked before writes (at most every 2 s, and at once after the driver reconnects) and every
 * 2 s while idle, and created again when one is missing. Creating an existing index is a
 * no-op, so replicas doing it together are fine.
 */
@Injectable()
export class EventIndexes implements OnModuleDestroy {
  private readonly logger = new Logger(EventIndexes.name);
  private checkedAt = 0;
  private checking?: Promise<void>;
  private watcher?: NodeJS.Timeout;

  constructor(
    @Inject(APP_ENV) private readonly env: EventsEnv,
    @Inject(getConnectionToken()) private readonly connection: Connection,
    @Inject(getModelToken(EventLog.name)) private readonly eventLogs: Model<EventLog>,
    @Inject(getModelToken(Notification.name)) private readonly notifications: Model<Notification>,
    @Inject(getModelToken(DeadLetter.name)) private readonly deadLetters: Model<DeadLetter>,
  ) {
    // The server may be a new, empty one: look before the next write.
    for (const event of ['reconnected', 'connected']) connection.on(event, () => (this.checkedAt = 0));
  }

  /** Creates every index (the TTL one with the configured retention). */
  async ensure(): Promise<void> {
    await Promise.all([this.eventLogs.createIndexes(), this.notifications.createIndexes(), this.deadLetters.createIndexes()]);
    const outcome = await ensureTtlIndex(this.connection, this.eventLogs.collection.collectionName, {
      name: EVENT_LOG_TTL_INDEX,
      field: 'createdAt',
      expireAfterSeconds: this.env.EVENT_RETENTION_DAYS * 86_400,
    });
    if (outcome !== 'unchanged') this.logger.log(`Event-log retention index ${outcome}: ${this.env.EVENT_RETENTION_DAYS} days`);
  }

  /** Keeps checking while idle; a failed check (MongoDB away) is retried at the next tick. */
  watch(): void {
    this.watcher ??= setInterval(() => {
      this.verify().catch((error: unknown) => this.logger.debug(`Index check failed: ${error instanceof Error ? error.message : String(error)}`));
    }, VERIFY_EVERY_MS);
    this.watcher.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.watcher);
    this.watcher = undefined;
  }

  /** Before a write: recreates the indexes if one of the essential ones is gone. Throttled. */
  verify(now = Date.now()): Promise<void> {
    if (now - this.checkedAt < VERIFY_EVERY_MS) return Promise.resolve();
    this.checking ??= this.check()
      .then(() => {
        this.checkedAt = Date.now();
      })
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private async check(): Promise<void> {
    const expected: [Collection, string[]][] = [
      [this.eventLogs.collection, ['eventId_unique', EVENT_LOG_TTL_INDEX]],
      [this.notifications.collection, ['eventId_userId_unique']],
      [this.deadLetters.collection, ['stream_sequence_unique']],
    ];
    const missing: string[] = [];
    for (const [collection, names] of expected) {
      const present = new Set((await indexNames(collection)) ?? []);
      for (const name of names) if (!present.has(name)) missing.push(`${collection.collectionName}.${name}`);
    }
    if (missing.length === 0) return;
    this.logger.warn(`MongoDB lost indexes (${missing.join(', ')}): the database came back empty? Creating them again`);
    await this.ensure();
  }
}

async function indexNames(collection: Collection): Promise<string[] | undefined> {
  try {
    return (await collection.listIndexes().toArray()).map((index) => String(index.name));
  } catch (error) {
    if ((error as { code?: number }).code === NAMESPACE_NOT_FOUND) return undefined;
    throw error;
  }
}
