import { Injectable, Logger } from '@nestjs/common';
import type { NotificationCreatedMessage, ProjectEvent, TaskEvent } from '#contracts';
import { logEntryFor } from '../event-log/event-log.mapper.js';
import { EventLogRepository } from '../event-log/event-log.repository.js';
import { notificationsFor, projectNotificationsFor } from '../notifications/notification.factory.js';
import { toNotificationDto } from '../notifications/notification.mapper.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import type { ParsedEvent } from './event-validation.js';
import { IngestMetrics } from './ingest.metrics.js';

/** Users an assignment added: in the task after it, not before. */
export function newAssignees(event: TaskEvent): string[] {
  const before = event.changes?.assigneeIds?.from;
  const previous = new Set(Array.isArray(before) ? (before as string[]) : []);
  return event.task.assigneeIds.filter((id) => !previous.has(id));
}

/** Announces a new notification (on core NATS, for realtime-service). */
export type NotificationPublisher = (message: NotificationCreatedMessage) => void;

export interface IngestOutcome {
  /** False when the event was already logged (a redelivery). */
  logged: boolean;
  notified: number;
}

/**
 * Applies one event, idempotently: the log entry is written once per eventId, then each
 * notification once per (eventId, user). Every step is an upsert on a unique key, so a
 * redelivery — after a crash between any two steps — completes what is missing and
 * duplicates nothing. Only a newly created notification is announced.
 */
@Injectable()
export class EventIngestService {
  private readonly logger = new Logger(EventIngestService.name);

  constructor(
    private readonly logs: EventLogRepository,
    private readonly notifications: NotificationsRepository,
    private readonly metrics: IngestMetrics,
  ) {}

  async ingest(parsed: ParsedEvent, publish: NotificationPublisher): Promise<IngestOutcome> {
    const logged = await this.logs.insertOnce(logEntryFor(parsed));
    if (parsed.source === 'task' && parsed.event.type === 'task.assigned') {
      await this.logs.shareTaskHistory(parsed.event.taskId, newAssignees(parsed.event));
    }
    if (parsed.source === 'project') await this.followMembership(parsed.event);
    let notified = 0;
    const notifications = parsed.source === 'task' ? notificationsFor(parsed.event) : parsed.source === 'project' ? projectNotificationsFor(parsed.event) : [];
    for (const notification of notifications) {
      const created = await this.notifications.insertOnce(notification);
      if (!created) continue;
      notified += 1;
      this.metrics.notificationsCreated.inc();
      publish({ userId: created.userId, notification: toNotificationDto(created) });
    }
    this.metrics.processed.inc({ source: parsed.source, outcome: logged ? 'new' : 'duplicate' });
    this.logger.debug(
      { eventId: parsed.event.eventId, type: parsed.event.type, logged, notified },
      logged ? 'Event logged' : 'Event already logged (redelivery)',
    );
    return { logged, notified };
  }

  /** The event log follows membership: a new member sees the project's history, a removed one no longer does. */
  private async followMembership(event: ProjectEvent): Promise<void> {
    if (!event.member) return;
    if (event.type === 'project.member_added') await this.logs.shareProjectHistory(event.projectId, event.member.userId);
    if (event.type === 'project.member_removed') await this.logs.unshareProjectHistory(event.projectId, event.member.userId);
  }
}
