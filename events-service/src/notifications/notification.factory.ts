import type { CommentEvent, ProjectEvent, TaskEvent } from '#contracts';
import type { Notification } from './notification.schema.js';

export type NewNotification = Omit<Notification, '_id' | 'read' | 'readAt'>;

/**
 * Task events: one notification per audience user except the actor (who made the change),
 * each user once. Comment events: see commentNotificationsFor.
 */
export function notificationsFor(event: TaskEvent | CommentEvent): NewNotification[] {
  if ('comment' in event) return commentNotificationsFor(event);
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

/**
 * A comment notifies the users it newly mentions (`comment.mentioned`) and, when it is
 * created, the task's owner and assignees (`task.commented`); never its author, and never
 * both to one user: a mentioned owner gets the mention only. An edit notifies only the users
 * it newly mentions, except the owner and assignees, whom the new comment already notified.
 * A deletion notifies nobody.
 */
export function commentNotificationsFor(event: CommentEvent): NewNotification[] {
  if (event.type === 'task.comment_deleted') return [];
  const author = event.actorId;
  const followers = new Set([event.task.ownerId, ...event.task.assigneeIds]);
  const mentioned = [...new Set(event.newMentionIds)].filter((id) => id !== author && (event.type === 'task.commented' || !followers.has(id)));
  const commented = event.type === 'task.commented' ? [...followers].filter((id) => id !== author && !mentioned.includes(id)) : [];
  const base = {
    eventId: event.eventId,
    taskId: event.taskId,
    actorId: author,
    taskTitle: event.task.title,
    commentId: event.comment.id,
    ...(event.task.projectId ? { projectId: event.task.projectId } : {}),
    createdAt: new Date(event.occurredAt),
  };
  return [
    ...mentioned.map((userId) => ({ ...base, userId, type: 'comment.mentioned' as const })),
    ...commented.map((userId) => ({ ...base, userId, type: 'task.commented' as const })),
  ];
}
