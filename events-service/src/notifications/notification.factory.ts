import type { ProjectEvent, TaskEvent } from '#contracts';
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
    ...(event.task.projectId ? { projectId: event.task.projectId } : {}),
    ...(event.changes ? { changes: event.changes } : {}),
    createdAt: new Date(event.occurredAt),
  }));
}

/**
 * A project event notifies the member it is about when they were added or their role
 * changed (not when they did it themself); other project events notify nobody.
 */
export function projectNotificationsFor(event: ProjectEvent): NewNotification[] {
  if (event.type !== 'project.member_added' && event.type !== 'project.member_role_changed') return [];
  if (!event.member || event.member.userId === event.actorId) return [];
  return [
    {
      eventId: event.eventId,
      userId: event.member.userId,
      type: event.type,
      taskId: null,
      actorId: event.actorId,
      taskTitle: null,
      projectId: event.projectId,
      projectName: event.project.name,
      changes: event.changes ?? { role: { from: null, to: event.member.role } },
      createdAt: new Date(event.occurredAt),
    },
  ];
}
