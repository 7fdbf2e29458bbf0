import { z } from 'zod';
import { defineEvent } from '../define-event.js';
import { PROJECT_CHANGEABLE_FIELDS, PROJECT_DESCRIPTION_MAX, PROJECT_EVENT_TYPES, PROJECT_NAME_MAX, PROJECT_ROLES, projectEventSubject } from '../projects.contract.js';
import { AUDIENCE_MAX, fieldChange, isoDateTime, requestId, text, userIds, uuid } from './fields.js';

/** A project as events carry it: the same for every reader, so without `myRole` (ProjectSnapshot). */
export const projectSnapshotSchema = z.strictObject({
  id: uuid,
  name: text(1, PROJECT_NAME_MAX),
  description: text(0, PROJECT_DESCRIPTION_MAX),
  ownerId: uuid,
  version: z.number().int().min(1),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

/** `project.updated` (name, description) and `project.member_role_changed` (role): field → {from, to}. */
export const projectChangesSchema = z.partialRecord(z.enum([...PROJECT_CHANGEABLE_FIELDS, 'role']), fieldChange);

export const projectEventSchema = z.strictObject({
  eventId: uuid,
  type: z.enum(PROJECT_EVENT_TYPES),
  projectId: uuid,
  actorId: uuid,
  occurredAt: isoDateTime,
  /** The project after the change (for `project.deleted`, as it was). */
  project: projectSnapshotSchema,
  /** For member events: whose membership, and the role (for a removal, the role they had). */
  member: z.strictObject({ userId: uuid, role: z.enum(PROJECT_ROLES) }).optional(),
  /** For `project.updated` (name, description) and `project.member_role_changed` (role). */
  changes: projectChangesSchema.optional(),
  /** The members (a removed member included). Admins see all. */
  audience: userIds(AUDIENCE_MAX),
  requestId,
});

export type ProjectEvent = z.output<typeof projectEventSchema>;

/** Project events travel in the task stream (TASK_EVENTS), on their own subjects. */
export const ProjectEventContract = defineEvent({ name: 'project event', schema: projectEventSchema, types: PROJECT_EVENT_TYPES, subject: (event) => projectEventSubject(event.type) });
