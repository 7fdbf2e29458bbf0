import { z } from 'zod';
import { defineEvent } from '../define-event.js';
import { DESCRIPTION_MAX, TASK_CHANGEABLE_FIELDS, TASK_EVENT_TYPES, TASK_PRIORITIES, TASK_STATUSES, TITLE_MAX, taskEventSubject } from '../tasks.contract.js';
import { AUDIENCE_MAX, fieldChange, isoDateTime, requestId, text, userIds, uuid } from './fields.js';

/** A task as events carry it (TaskDto). */
export const taskSnapshotSchema = z.strictObject({
  id: uuid,
  title: text(1, TITLE_MAX),
  description: text(0, DESCRIPTION_MAX),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  dueDate: isoDateTime.nullable(),
  ownerId: uuid,
  assigneeIds: userIds(AUDIENCE_MAX),
  // Absent in events written before projects.
  projectId: uuid.nullish().transform((value) => value ?? null),
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const TASK_EVENT_CHANGE_KEYS = [...TASK_CHANGEABLE_FIELDS, 'assigneeIds', 'projectId'] as const;

/** `task.updated` (and assignment changes: `assigneeIds`): field → {from, to}. */
export const taskChangesSchema = z.partialRecord(z.enum(TASK_EVENT_CHANGE_KEYS), fieldChange);

export const taskEventSchema = z.strictObject({
  eventId: uuid,
  type: z.enum(TASK_EVENT_TYPES),
  taskId: uuid,
  /** The project of the task (null for none; absent in events written before projects). For a move, the new one. */
  projectId: uuid.nullish(),
  actorId: uuid,
  occurredAt: isoDateTime,
  /** The task after the change (for `task.deleted`, as it was when deleted). */
  task: taskSnapshotSchema,
  /** For `task.updated` (and assignment changes: `assigneeIds`): field → {from, to}. */
  changes: taskChangesSchema.optional(),
  /** Users who may see the event: owner, assignees and the project's members (a removed assignee, a former project's members included). Admins see all. */
  audience: userIds(AUDIENCE_MAX),
  requestId,
});

export type TaskEvent = z.output<typeof taskEventSchema>;

export const TaskEventContract = defineEvent({ name: 'task event', schema: taskEventSchema, types: TASK_EVENT_TYPES, subject: (event) => taskEventSubject(event.type) });
