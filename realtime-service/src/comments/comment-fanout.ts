import type { ClientCommentEvent, CommentEvent, CommentEventType, ServerToClientEvents } from '#contracts';
import { isUuid } from '../tasks/task-fanout.js';

export type CommentClientEventName = Extract<keyof ServerToClientEvents, `comment:${string}`>;

/** `task.commented` → `comment:created`; exhaustive, so a new comment event type breaks the build here. */
export const COMMENT_CLIENT_EVENTS: Record<CommentEventType, CommentClientEventName> = {
  'task.commented': 'comment:created',
  'task.comment_edited': 'comment:updated',
  'task.comment_deleted': 'comment:deleted',
};

const TYPES = new Set<string>(Object.keys(COMMENT_CLIENT_EVENTS));

/** A comment event we can route (to the same rooms as its task's events). */
export function isRoutableCommentEvent(value: unknown): value is CommentEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<CommentEvent>;
  return (
    typeof event.eventId === 'string' &&
    typeof event.type === 'string' &&
    TYPES.has(event.type) &&
    isUuid(event.taskId) &&
    Array.isArray(event.audience) &&
    event.audience.every((id) => typeof id === 'string') &&
    typeof event.comment === 'object' &&
    event.comment !== null
  );
}

/** What a client sees: the comment and its task's id, without the routing list or who was newly mentioned. */
export function toClientCommentEvent(event: CommentEvent): ClientCommentEvent {
  const { audience: _audience, newMentionIds: _mentions, task: _task, ...client } = event;
  return client;
}
