import { Injectable, Logger } from '@nestjs/common';
import type { NotificationCreatedMessage, ProjectEvent, TaskEvent } from '#contracts';
import { EventIndexes } from '../database/event-indexes.js';
import { logEntryFor } from '../event-log/event-log.mapper.js';
import { EventLogRepository } from '../event-log/event-log.repository.js';
import { notificationsFor, projectNotificationsFor } from '../notifications/notification.factory.js';
import { toNotificationDto } from '../notifications/notification.mapper.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import type { ParsedEvent } from './parse-event.js';
import { IngestMetrics } from './ingest.metrics.js';

/** Users an assignment added: in the task after it, not before. */
export function newAssignees(event: TaskEvent): string[] {
  const before = event.changes?.assigneeIds?.from;
  const previous = new Set(Array.isArray(before) ? (before as string[]) : []);
  return event.task.assigneeIds.filter((id) => !previous.has(id));
}

/** The notifications an event asks for (auth events ask for none). */
function notificationsOf(parsed: ParsedEvent) {
  if (parsed.source === 'task') return notificationsFor(parsed.event);
  if (parsed.source === 'project') return projectNotificationsFor(parsed.event);
  return [];
}

/** Announces a new notification (on core NATS, for realtime-service), with the request id of its event. */
export type NotificationPublisher = (message: NotificationCreatedMessage, requestId: string | null) => void;

export interface IngestOutcome {
  /** False when the event was already logged (a redelivery). */
  logged: boolean;
  notified: number;
}

/**
 * Applies a batch of events, idempotently, with one bulk write per collection: the log
 * entries (once per eventId, in order, assignments sharing the task's history right after
 * their own entry), then each project membership change in the log, then every notification
 * (once per (eventId, user)). Every write is an
 * upsert on a unique key, so a redelivery — after a crash between any two steps — completes
 * what is missing and duplicates nothing. Only a newly created notification is announced.
 */
@Injectable()
export class EventIngestService {
  private readonly logger = new Logger(EventIngestService.name);

  constructor(
    private readonly logs: EventLogRepository,
    private readonly notifications: NotificationsRepository,
    private readonly metrics: IngestMetrics,
    private readonly indexes: EventIndexes,
  ) {}

  async ingestBatch(batch: ParsedEvent[], publish: NotificationPublisher): Promise<IngestOutcome[]> {
    // The unique keys are what make these upserts exactly-once across replicas: never write without them.
    await this.indexes.verify();
    const logged = await this.logs.insertBatch(
      batch.map((parsed) => ({
        entry: logEntryFor(parsed),
        shareWith: parsed.source === 'task' && parsed.event.type === 'task.assigned' ? newAssignees(parsed.event) : [],
      })),
    );
    // With the batch's entries in the log, in stream order: the log follows each membership change.
    for (const parsed of batch) if (parsed.source === 'project') await this.followMembership(parsed.event);
    const wanted = batch.flatMap((parsed, index) => notificationsOf(parsed).map((notification) => ({ notification, index })));
    const created = await this.notifications.insertBatch(wanted.map((item) => item.notification));
    const outcomes: IngestOutcome[] = batch.map((_, index) => ({ logged: logged[index]!, notified: 0 }));
    created.forEach((notification, i) => {
      if (!notification) return;
      const { index } = wanted[i]!;
      outcomes[index]!.notified += 1;
      this.metrics.notificationsCreated.inc();
      publish({ userId: notification.userId, notification: toNotificationDto(notification) }, batch[index]!.event.requestId ?? null);
    });
    batch.forEach((parsed, index) => this.metrics.processed.inc({ source: parsed.source, outcome: logged[index] ? 'new' : 'duplicate' }));
    this.logger.debug({ events: batch.length, logged: logged.filter(Boolean).length, notified: created.filter(Boolean).length }, 'Event batch applied');
    return outcomes;
  }

  /** The event log follows membership: a new member sees the project's history, a removed one no longer does. */
  private async followMembership(event: ProjectEvent): Promise<void> {
    if (!event.member) return;
    if (event.type === 'project.member_added') await this.logs.shareProjectHistory(event.projectId, event.member.userId);
    if (event.type === 'project.member_removed') await this.logs.unshareProjectHistory(event.projectId, event.member.userId);
  }
}
