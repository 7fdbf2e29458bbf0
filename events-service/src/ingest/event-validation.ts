import { z } from 'zod';
import {
  AUTH_EVENT_TYPES,
  COMMENT_BODY_MAX,
  COMMENT_EVENT_TYPES,
  type CommentEvent,
  PROJECT_CHANGEABLE_FIELDS,
  PROJECT_EVENT_TYPES,
  PROJECT_ROLES,
  type ProjectEvent,
  TASK_CHANGEABLE_FIELDS,
  TASK_EVENT_TYPES,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type AuthEvent,
  type TaskEvent,
} from '#contracts';
import { UUID_PATTERN } from '../common/page-cursor.js';

/**
 * Which stream a message came from decides which shape it must have; the task stream also
 * carries project events (`type` project.*).
 */
export type EventSource = 'task' | 'auth';

/** Comment events travel in the task stream as task events of their own types (`task.commented`, ...). */
export type ParsedEvent = { source: 'task'; event: TaskEvent | CommentEvent } | { source: 'project'; event: ProjectEvent } | { source: 'auth'; event: AuthEvent };

/** A message that can never be processed, whatever the retries: it is parked, not retried. */
export class PoisonMessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}

const uuid = z.string().regex(UUID_PATTERN, 'must be a uuid');
const isoTime = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 date-time')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a valid date-time');
const requestId = z.string().max(256).nullish().transform((v) => v ?? null);

/** Values stored as they are: plain scalars or lists of them, never objects (no `$`-keys can reach MongoDB). */
const scalar = z.union([z.string().max(20_000), z.number(), z.boolean(), z.null()]);
const plainValue = z.union([scalar, z.array(scalar).max(10_000)]);
const fieldChange = z.object({ from: plainValue, to: plainValue });
const CHANGE_KEYS = [...TASK_CHANGEABLE_FIELDS, 'assigneeIds', 'projectId'] as const;

// Unknown keys are stripped (z.object), so a producer adding a field does not poison its events.
const task = z.object({
  id: uuid,
  title: z.string().max(1000),
  description: z.string().max(100_000),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  dueDate: isoTime.nullable(),
  ownerId: uuid,
  assigneeIds: z.array(uuid).max(10_000),
  // Absent in events written before projects.
  projectId: uuid.nullish(),
  version: z.number().int().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const taskEvent = z.object({
  eventId: uuid,
  type: z.enum(TASK_EVENT_TYPES),
  taskId: uuid,
  projectId: uuid.nullish(),
  actorId: uuid,
  occurredAt: isoTime,
  task,
  changes: z.partialRecord(z.enum(CHANGE_KEYS), fieldChange).optional(),
  audience: z.array(uuid).max(10_000),
  requestId,
});

const comment = z.object({
  id: uuid,
  taskId: uuid,
  authorId: uuid,
  body: z.string().max(COMMENT_BODY_MAX * 2),
  mentionIds: z.array(uuid).max(1_000),
  createdAt: isoTime,
  updatedAt: isoTime,
  editedAt: isoTime.nullable(),
});

const commentEvent = z.object({
  eventId: uuid,
  type: z.enum(COMMENT_EVENT_TYPES),
  taskId: uuid,
  projectId: uuid.nullish().transform((v) => v ?? null),
  actorId: uuid,
  occurredAt: isoTime,
  task,
  comment,
  newMentionIds: z.array(uuid).max(1_000),
  audience: z.array(uuid).max(10_000),
  requestId,
});

const project = z.object({
  id: uuid,
  name: z.string().max(1000),
  description: z.string().max(100_000),
  ownerId: uuid,
  version: z.number().int().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const projectEvent = z.object({
  eventId: uuid,
  type: z.enum(PROJECT_EVENT_TYPES),
  projectId: uuid,
  actorId: uuid,
  occurredAt: isoTime,
  project,
  member: z.object({ userId: uuid, role: z.enum(PROJECT_ROLES) }).optional(),
  changes: z.partialRecord(z.enum([...PROJECT_CHANGEABLE_FIELDS, 'role']), fieldChange).optional(),
  audience: z.array(uuid).max(10_000),
  requestId,
});

const authEvent = z.object({
  eventId: uuid,
  type: z.enum(AUTH_EVENT_TYPES),
  userId: uuid.nullable(),
  actorId: uuid.nullable(),
  occurredAt: isoTime,
  data: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'data keys must be plain names'), plainValue).default({}),
  requestId,
});

/** Parses one JetStream message body; anything that is not a well-formed event is poison. */
export function parseEvent(source: EventSource, data: Uint8Array): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    throw new PoisonMessageError('not valid JSON');
  }
  const kind = source === 'task' && isProjectEvent(json) ? 'project' : source;
  const schema = kind === 'project' ? projectEvent : kind === 'task' ? (isCommentEvent(json) ? commentEvent : taskEvent) : authEvent;
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new PoisonMessageError(`not a valid ${kind} event: ${problems.join('; ')}`);
  }
  if (kind === 'project') return { source: 'project', event: result.data as ProjectEvent };
  return kind === 'task' ? { source: 'task', event: result.data as TaskEvent | CommentEvent } : { source: 'auth', event: result.data as AuthEvent };
}

function isProjectEvent(json: unknown): boolean {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('project.');
}

const COMMENT_TYPES = new Set<string>(COMMENT_EVENT_TYPES);

function isCommentEvent(json: unknown): boolean {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' && COMMENT_TYPES.has(type);
}
