import type { TaskEvent } from '#contracts';
import type { Notification } from './notification.schema.js';

export type NewNotification = Omit<Notification, '_id' | 'read' | 'readAt'>;

/** One notification per audience user except the actor (who made the change), each user once. */
export function notificationsFor(event: TaskEvent): NewNotification[] {
  const recipients = [...new Set(event.audience)].filter((userId) => userId !== event.actorId);
  return recipients.map((userId) => ({
    eventId: event.eventId,
    userId,
    type: event.type,
    taskId: event.taskId,
    actorId: event.actorId,
    taskTitle: event.task.title,
    ...(event.changes ? { changes: event.changes } : {}),
    createdAt: new Date(event.occurredAt),
  }));
}
