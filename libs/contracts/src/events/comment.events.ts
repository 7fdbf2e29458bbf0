import { z } from 'zod';
import { COMMENT_BODY_MAX, COMMENT_EVENT_TYPES, COMMENT_MENTIONS_MAX, commentEventSubject } from '../comments.contract.js';
import { defineEvent } from '../define-event.js';
import { AUDIENCE_MAX, isoDateTime, requestId, text, userIds, uuid } from './fields.js';
import { taskSnapshotSchema } from './task.events.js';

/** A comment as events carry it (CommentDto). */
export const commentSnapshotSchema = z.strictObject({
  id: uuid,
  taskId: uuid,
  authorId: uuid,
  body: text(1, COMMENT_BODY_MAX),
  mentionIds: userIds(COMMENT_MENTIONS_MAX),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  editedAt: isoDateTime.nullable(),
});

export const commentEventSchema = z.strictObject({
  eventId: uuid,
  type: z.enum(COMMENT_EVENT_TYPES),
  taskId: uuid,
  projectId: uuid.nullish().transform((value) => value ?? null),
  actorId: uuid,
  occurredAt: isoDateTime,
  /** The task as it is (its title for notifications, owner and assignees). */
  task: taskSnapshotSchema,
  /** After the change; for `task.comment_deleted`, as it was. */
  comment: commentSnapshotSchema,
  /** Who is newly mentioned by this change (all mentions on create, added ones on edit, none on delete). */
  newMentionIds: userIds(COMMENT_MENTIONS_MAX),
  /** Owner, assignees and the project's members. Admins see all. */
  audience: userIds(AUDIENCE_MAX),
  requestId,
});

export type CommentEvent = z.output<typeof commentEventSchema>;

/** Comment events travel in the task stream as task events of their own types (`task.commented`, ...). */
export const CommentEventContract = defineEvent({ name: 'comment event', schema: commentEventSchema, types: COMMENT_EVENT_TYPES, subject: (event) => commentEventSubject(event.type) });
