import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { EventSchemaError, NOTIFICATION_CREATED_SUBJECT, NotificationCreatedContract } from '#contracts';
import { NatsRpcClient } from '#nats';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.service.js';
import { TasksGateway } from '../tasks/tasks.gateway.js';

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
    private readonly metrics: RealtimeMetrics,
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

  /** Core NATS: nothing to terminate or redeliver, so a message its contract refuses is counted, logged and dropped. */
  private handle(message: Msg): void {
    try {
      const parsed = NotificationCreatedContract.parse(unwrapNestPacket(JSON.parse(message.string())));
      this.gateway.emitNotification(parsed.userId, parsed.notification);
    } catch (error) {
      const reason = error instanceof EventSchemaError ? error.reason : 'not valid JSON';
      this.metrics.rejected(message.subject);
      this.logger.warn(`Dropping a ${NOTIFICATION_CREATED_SUBJECT} message: ${reason}`);
    }
  }
}

/** The message comes bare or wrapped in Nest's `{pattern, data}` packet (as a ClientProxy.emit sends it). */
export function unwrapNestPacket(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null && 'pattern' in raw && 'data' in raw ? (raw as { data: unknown }).data : raw;
}
