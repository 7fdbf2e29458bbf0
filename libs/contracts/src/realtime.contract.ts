import { ApiProperty } from './openapi.js';
import { EmptyRequest } from './common.js';
import { defineRequest, type PingResponse } from './define.js';
import type { NotificationDto, SessionRevocationReason } from './events.contract.js';
import type { CommentEvent } from './events/comment.events.js';
import type { ProjectEvent } from './events/project.events.js';
import type { TaskEvent } from './events/task.events.js';

/** Socket.IO namespace and path served by realtime-service. */
export const REALTIME_NAMESPACE = '/tasks';
export const REALTIME_PATH = '/socket.io';
/** Largest Socket.IO message (or polling request) the server accepts, as REST bodies: 100 kB. */
export const REALTIME_MAX_MESSAGE_BYTES = 100 * 1024;

/** A task event as a client sees it: the audience (an internal routing list) removed. */
export type ClientTaskEvent = Omit<TaskEvent, 'audience'>;

/** A comment event as a client sees it: the comment and ids, no routing list, no task snapshot. */
export type ClientCommentEvent = Omit<CommentEvent, 'audience' | 'newMentionIds' | 'task'>;

/** A project event as a client sees it: the audience removed. */
export type ClientProjectEvent = Omit<ProjectEvent, 'audience'>;

/** To a member removed from a project: nothing more of it reaches their sockets after this. */
export interface ProjectRemovedPayload {
  projectId: string;
}

export type Ack = { ok: true } | { ok: false; error: string };

/** Typed Socket.IO events: the server is typed with these, and a frontend can import them. */
export interface ServerToClientEvents {
  'task:created': (event: ClientTaskEvent) => void;
  'task:updated': (event: ClientTaskEvent) => void;
  'task:deleted': (event: ClientTaskEvent) => void;
  'task:assigned': (event: ClientTaskEvent) => void;
  'task:unassigned': (event: ClientTaskEvent) => void;
  'comment:created': (event: ClientCommentEvent) => void;
  'comment:updated': (event: ClientCommentEvent) => void;
  'comment:deleted': (event: ClientCommentEvent) => void;
  'project:created': (event: ClientProjectEvent) => void;
  'project:updated': (event: ClientProjectEvent) => void;
  'project:deleted': (event: ClientProjectEvent) => void;
  'project:member_added': (event: ClientProjectEvent) => void;
  'project:member_removed': (event: ClientProjectEvent) => void;
  'project:member_role_changed': (event: ClientProjectEvent) => void;
  'project:removed': (payload: ProjectRemovedPayload) => void;
  'notification:new': (notification: NotificationDto) => void;
  'auth:expired': () => void;
  /** The socket's login was revoked (logout, logout-all, password change, refresh-token reuse); it is disconnected next. */
  'session:revoked': (payload: SessionRevokedPayload) => void;
}

export interface SessionRevokedPayload {
  reason: SessionRevocationReason;
}

export interface ClientToServerEvents {
  'task:subscribe': (payload: { taskId: string }, ack: (result: Ack) => void) => void;
  'task:unsubscribe': (payload: { taskId: string }, ack: (result: Ack) => void) => void;
}

export class PresenceUserDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'date-time', description: 'When this user was last seen connected' }) lastSeenAt!: string;
}

export class PresenceResponseDto {
  @ApiProperty({ type: [PresenceUserDto] }) items!: PresenceUserDto[];
}

export const RealtimeContract = {
  ping: defineRequest('realtime.ping', EmptyRequest).returns<PingResponse>(),
  /** Online users among those the caller shares tasks with (all, for admins). */
  presence: defineRequest('realtime.presence', EmptyRequest).returns<PresenceResponseDto>(),
} as const;
