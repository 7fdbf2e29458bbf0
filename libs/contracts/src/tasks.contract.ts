import { ApiProperty, ApiPropertyOptional, PartialType } from './openapi.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, Min, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import { EmptyRequest, PageQuery, type Page } from './common.js';
import { defineRequest, type PingResponse } from './define.js';
import { SafeText } from './safe-text.js';

export const TASK_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_SORTS = ['createdAt', 'updatedAt', 'dueDate', 'priority'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 10_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `?status=a&status=b` and `?status=a,b` both give ['a', 'b']. */
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])) : value;

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX }) title!: string;
  @ApiProperty({ maxLength: DESCRIPTION_MAX }) description!: string;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: TaskPriority;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueDate!: string | null;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) assigneeIds!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The project it belongs to, if any' }) projectId!: string | null;
  @ApiProperty({ minimum: 1, description: 'Send it back on PATCH (body or If-Match) for optimistic concurrency' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TaskPageDto implements Page<TaskDto> {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CreateTaskBody {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX })
  @Transform(trim)
  @IsString()
  @SafeText()
  @Length(1, TITLE_MAX)
  title!: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX, default: '' })
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'todo' })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'medium' })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsISO8601({ strict: true })
  @InFourDigitYears()
  dueDate?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Put the task in this project (at least editor of it). On PATCH: editor of the old and the new project; null takes it out',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  projectId?: string | null;
}

/** 1–200 visible ASCII characters (no spaces): what `Idempotency-Key` may hold. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * What the gateway sends tasks-service: the body, plus the client's `Idempotency-Key` header
 * when it sent one (never accepted in the HTTP body: the gateway validates `CreateTaskBody`).
 */
export class CreateTaskRequest extends CreateTaskBody {
  @IsOptional()
  @IsString()
  @SafeText()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'idempotencyKey must be 1-200 visible ASCII characters' })
  idempotencyKey?: string;
}

/** Fields that may change (each optional, validated as on create). */
export class TaskChanges extends PartialType(CreateTaskBody) {}

/** PATCH /tasks/:id: the changes and the version last read, here or in `If-Match` (neither: 428 at the gateway). */
export class UpdateTaskBody extends TaskChanges {
  @ApiPropertyOptional({ minimum: 1, description: 'The version last read; required here or as If-Match' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** The latest instant a task date may be: later ones (e.g. 9999-12-31T23:00-14:00) have no four-digit ISO form, which events carry. */
const LAST_FOUR_DIGIT_YEAR_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** A date-time whose UTC form has a four-digit year (a 400 otherwise, not a failure when the event is written). */
function InFourDigitYears(): PropertyDecorator {
  return ValidateBy({
    name: 'inFourDigitYears',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !(Date.parse(value) > LAST_FOUR_DIGIT_YEAR_MS),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be no later than 9999-12-31T23:59:59.999Z`,
    },
  });
}

export const TASK_CHANGEABLE_FIELDS = ['title', 'description', 'status', 'priority', 'dueDate'] as const;
export type TaskChangeableField = (typeof TASK_CHANGEABLE_FIELDS)[number];

export class AssignBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TASK_STATUSES, isArray: true, description: 'Repeat or comma-separate for several' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(TASK_STATUSES.length)
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, isArray: true, description: 'Repeat or comma-separate for several' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(TASK_PRIORITIES.length)
  @IsIn(TASK_PRIORITIES, { each: true })
  priority?: TaskPriority[];

  @ApiPropertyOptional({ description: 'A user id, or `me`' })
  @IsOptional()
  @ValidateIf((_, value) => value !== 'me')
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'A user id, or `me`' })
  @IsOptional()
  @ValidateIf((_, value) => value !== 'me')
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ description: 'A project id, or `none` for tasks in no project' })
  @IsOptional()
  @ValidateIf((_, value) => value !== 'none')
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive text in title or description', maxLength: 200 })
  @IsOptional()
  @IsString()
  @SafeText()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueBefore?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAfter?: string;

  @ApiPropertyOptional({ enum: TASK_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: SortOrder;
}

export class TaskRequest {
  @IsUUID()
  taskId!: string;
}

/** tasks.update: the version is required here, whichever way the HTTP client sent it. */
export class UpdateTaskRequest extends TaskChanges {
  @IsInt()
  @Min(1)
  version!: number;

  @IsUUID()
  taskId!: string;
}

export class AssignRequest extends AssignBody {
  @IsUUID()
  taskId!: string;
}

export class UnassignRequest extends TaskRequest {
  @IsUUID()
  userId!: string;
}

/** A version conflict (409) carries the task as it is now in `details`. */
export type TaskConflictDetails = { current: TaskDto };

// ---- Events -------------------------------------------------------------------------

export const TASK_EVENT_TYPES = ['task.created', 'task.updated', 'task.deleted', 'task.assigned', 'task.unassigned'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** JetStream stream holding every task event; integrations add their own durable consumers. */
export const TASK_EVENTS_STREAM = 'TASK_EVENTS';
export const TASK_EVENTS_SUBJECT_PREFIX = 'tasks.events';
/** `task.created` → `tasks.events.created`. */
export function taskEventSubject(type: TaskEventType): string {
  return `${TASK_EVENTS_SUBJECT_PREFIX}.${type.slice('task.'.length)}`;
}

export interface FieldChange<T = unknown> {
  from: T;
  to: T;
}

export const TasksContract = {
  ping: defineRequest('tasks.ping', EmptyRequest).returns<PingResponse>(),
  create: defineRequest('tasks.create', CreateTaskRequest).returns<TaskDto>(),
  get: defineRequest('tasks.get', TaskRequest).returns<TaskDto>(),
  update: defineRequest('tasks.update', UpdateTaskRequest).returns<TaskDto>(),
  delete: defineRequest('tasks.delete', TaskRequest).returns<null>(),
  assign: defineRequest('tasks.assign', AssignRequest).returns<TaskDto>(),
  unassign: defineRequest('tasks.unassign', UnassignRequest).returns<TaskDto>(),
  list: defineRequest('tasks.list', ListTasksQuery).returns<Page<TaskDto>>(),
  /** Ids of the users who share at least one task (owner or assignee of it) or project with the actor. */
  collaborators: defineRequest('tasks.collaborators', EmptyRequest).returns<string[]>(),
} as const;
