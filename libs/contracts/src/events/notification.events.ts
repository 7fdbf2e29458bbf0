import { z } from 'zod';
import { defineEvent } from '../define-event.js';
import { NOTIFICATION_CREATED_SUBJECT, NOTIFICATION_TYPES } from '../events.contract.js';
import { PROJECT_NAME_MAX } from '../projects.contract.js';
import { TITLE_MAX } from '../tasks.contract.js';
import { isoDateTime, text, uuid } from './fields.js';
import { projectChangesSchema } from './project.events.js';
import { taskChangesSchema } from './task.events.js';

/** A notification as the API returns it (NotificationDto). */
export const notificationSchema = z.strictObject({
  id: uuid,
  eventId: uuid,
  type: z.enum(NOTIFICATION_TYPES),
  taskId: uuid.nullable(),
  actorId: uuid,
  taskTitle: text(1, TITLE_MAX).nullable(),
  projectId: uuid.optional(),
  projectName: text(1, PROJECT_NAME_MAX).optional(),
  changes: z.union([taskChangesSchema, projectChangesSchema]).optional(),
  commentId: uuid.optional(),
  read: z.boolean(),
  createdAt: isoDateTime,
  readAt: isoDateTime.nullable(),
});

export const notificationCreatedSchema = z.strictObject({
  userId: uuid,
  notification: notificationSchema,
});

export type NotificationCreatedMessage = z.output<typeof notificationCreatedSchema>;

/** Published on core NATS by events-service when a notification is created, for realtime-service. */
export const NotificationCreatedContract = defineEvent({ name: 'notifications.created message', schema: notificationCreatedSchema, subject: NOTIFICATION_CREATED_SUBJECT });
