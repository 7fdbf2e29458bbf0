import { ApiProperty, ApiPropertyOptional } from './openapi.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { EmptyRequest, PageQuery, type Page } from './common.js';
import { defineRequest, type PingResponse } from './define.js';
import { COMMENT_EVENT_TYPES, CommentDto } from './comments.contract.js';
import type { ProjectEvent } from './events/project.events.js';
import type { TaskEvent } from './events/task.events.js';
import { PROJECT_EVENT_TYPES, type ProjectEventType, type ProjectSnapshot } from './projects.contract.js';
import { TASK_EVENT_TYPES, TaskDto } from './tasks.contract.js';

// ---- Auth events (published by auth-service to JetStream, logged by events-service) ----

export const AUTH_EVENT_TYPES = ['user.registered', 'user.login', 'user.login_failed', 'user.logout', 'user.role_changed'] as const;
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

export const AUTH_EVENTS_STREAM = 'AUTH_EVENTS';
export const AUTH_EVENTS_SUBJECT_PREFIX = 'auth.events';
/** `user.login_failed` → `auth.events.login_failed`. */
export function authEventSubject(type: AuthEventType): string {
  return `${AUTH_EVENTS_SUBJECT_PREFIX}.${type.slice('user.'.length)}`;
}

/** Why logins were revoked: `data.reason` of a `user.logout` event. */
export const SESSION_REVOCATION_REASONS = ['logout', 'logout_all', 'password_changed', 'refresh_token_reused'] as const;
export type SessionRevocationReason = (typeof SESSION_REVOCATION_REASONS)[number];

/**
 * `data` of every `user.logout` event: exactly which logins were revoked, so that a
 * consumer (realtime-service) can end what belongs to them. A login is a refresh-token
 * family; its id is the `sid` claim of every access token issued for it.
 */
export type SessionsRevokedData = {
  /** `one`: a single login; `all`: every login of the user; `others`: all but `keptSessionId`. */
  sessions: 'one' | 'all' | 'others';
  /** The revoked logins that can still have unexpired access tokens (possibly none). */
  sessionIds: string[];
  /** `others` only: the caller's own login, which stays signed in. */
  keptSessionId?: string;
  reason: SessionRevocationReason;
};

/** Every revocation of a login is a `user.logout` event on this subject. */
export const SESSIONS_REVOKED_SUBJECT = authEventSubject('user.logout');

export const EVENT_TYPES = [...TASK_EVENT_TYPES, ...COMMENT_EVENT_TYPES, ...PROJECT_EVENT_TYPES, ...AUTH_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// ---- Event log API ---------------------------------------------------------------------

export class EventLogDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: EventType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) taskId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Task events of project tasks, and project events' }) projectId?: string | null;
  @ApiPropertyOptional({ type: TaskDto, description: 'Task events: the task after the change' }) task?: TaskDto;
  @ApiPropertyOptional({ type: Object, description: 'Project events: the project after the change' }) project?: ProjectSnapshot;
  @ApiPropertyOptional({ type: CommentDto, description: 'Comment events: the comment after the change (deleted: as it was)' }) comment?: CommentDto;
  @ApiPropertyOptional({ type: Object, description: 'Project member events: `{userId, role}`' }) member?: ProjectEvent['member'];
  @ApiPropertyOptional({ type: Object, description: 'task.updated / assignments / project.updated / role changes: field → {from, to}' }) changes?: TaskEvent['changes'] | ProjectEvent['changes'];
  @ApiPropertyOptional({ type: Object, description: 'Auth events: details such as the email or the roles' }) data?: Record<string, unknown>;
}

export class EventLogPageDto implements Page<EventLogDto> {
  @ApiProperty({ type: [EventLogDto] }) items!: EventLogDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])) : value;

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, description: 'Repeat or comma-separate for several' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  type?: EventType[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  taskId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt ≥ from' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt < to' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TaskActivityRequest extends PageQuery {
  @IsUUID()
  taskId!: string;
}

// ---- Notifications -----------------------------------------------------------------------

/** Project events that notify someone: the member added, or whose role changed. */
export const PROJECT_NOTIFICATION_TYPES = ['project.member_added', 'project.member_role_changed'] as const satisfies readonly ProjectEventType[];
/** A user mentioned in a comment (newly, on an edit); the task's owner and assignees get `task.commented` instead, never both. */
export const COMMENT_NOTIFICATION_TYPES = ['comment.mentioned', 'task.commented'] as const;
export type CommentNotificationType = (typeof COMMENT_NOTIFICATION_TYPES)[number];
export const NOTIFICATION_TYPES = [...TASK_EVENT_TYPES, ...PROJECT_NOTIFICATION_TYPES, ...COMMENT_NOTIFICATION_TYPES] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type!: NotificationType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for project notifications' }) taskId!: string | null;
  @ApiProperty({ format: 'uuid' }) actorId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Title of the task when the event happened (null for project notifications)' }) taskTitle!: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Project notifications (and task notifications of project tasks)' }) projectId?: string;
  @ApiPropertyOptional({ description: 'Project notifications: the name of the project when the event happened' }) projectName?: string;
  @ApiPropertyOptional({ type: Object }) changes?: TaskEvent['changes'] | ProjectEvent['changes'];
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Comment notifications: the comment' }) commentId?: string;
  @ApiProperty() read!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt!: string | null;
}

export class NotificationPageDto implements Page<NotificationDto> {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ description: "All of the caller's unread notifications, whatever the page" }) unreadCount!: number;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'true: unread only' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;
}

export class NotificationRequest {
  @IsUUID()
  notificationId!: string;
}

export class ReadAllResponseDto {
  @ApiProperty() updated!: number;
}

/** Published on core NATS for realtime-service when a notification is created. */
export const NOTIFICATION_CREATED_SUBJECT = 'notifications.created';
export const EventsContract = {
  ping: defineRequest('events.ping', EmptyRequest).returns<PingResponse>(),
  list: defineRequest('events.list', ListEventsQuery).returns<Page<EventLogDto>>(),
  /** The gateway checks visibility with tasks-service first. */
  taskActivity: defineRequest('events.task-activity', TaskActivityRequest).returns<Page<EventLogDto>>(),
  listNotifications: defineRequest('notifications.list', ListNotificationsQuery).returns<Page<NotificationDto> & { unreadCount: number }>(),
  markRead: defineRequest('notifications.mark-read', NotificationRequest).returns<NotificationDto>(),
  readAll: defineRequest('notifications.read-all', EmptyRequest).returns<ReadAllResponseDto>(),
} as const;
