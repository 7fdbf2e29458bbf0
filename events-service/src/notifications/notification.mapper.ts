import type { NotificationDto } from '#contracts';
import type { Notification } from './notification.schema.js';

export function toNotificationDto(notification: Notification): NotificationDto {
  const dto: NotificationDto = {
    id: notification._id,
    eventId: notification.eventId,
    type: notification.type,
    taskId: notification.taskId,
    actorId: notification.actorId,
    taskTitle: notification.taskTitle,
    read: notification.read,
    createdAt: notification.createdAt.toISOString(),
    readAt: notification.readAt ? notification.readAt.toISOString() : null,
  };
  if (notification.projectId) dto.projectId = notification.projectId;
  if (notification.projectName) dto.projectName = notification.projectName;
  if (notification.changes) dto.changes = notification.changes;
  if (notification.commentId) dto.commentId = notification.commentId;
  return dto;
}
