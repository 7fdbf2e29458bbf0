import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { NOTIFICATION_CREATED_SUBJECT } from '#contracts';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { jsonBody } from '../jetstream/realtime-consumer.js';
import { TasksGateway } from '../tasks/tasks.gateway.js';
import { parseNotificationCreated } from './notification-message.js';

/**
 * `notifications.created` on core NATS, in the service's queue group: one replica takes each
 * message and emits `notification:new` to the user's room (on every replica, via Redis).
 */
@Injectable()
export class NotificationsSubscriber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationsSubscriber.name);
  private subscription?: Subscription;
  private stopping = false;

  constructor(
    private readonly nats: NatsRpcClient,
    private readonly gateway: TasksGateway,
  ) {}

  onApplicationBootstrap(): void {
    void this.subscribe().catch((error: unknown) => this.logger.error(`Notification subscription failed: ${String(error)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription?.drain().catch(() => undefined);
  }

  private async subscribe(): Promise<void> {
    const connection = await this.nats.connect();
    if (this.stopping) return;
    this.subscription = connection.subscribe(NOTIFICATION_CREATED_SUBJECT, {
      queue: SERVICE_NAME,
      callback: (error, message) => {
        if (error) return this.logger.warn(`Notification subscription error: ${error.message}`);
        this.handle(message);
      },
    });
  }

  private handle(message: Msg): void {
    const raw = jsonBody(message);
    const parsed = parseNotificationCreated(raw);
    if (!parsed) {
      this.logger.warn(`Dropping a malformed ${NOTIFICATION_CREATED_SUBJECT} message`);
      return;
    }
    this.gateway.emitNotification(parsed.userId, parsed.notification);
  }
}
