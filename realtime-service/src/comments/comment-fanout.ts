import type { ClientCommentEvent, CommentEvent, CommentEventType, ServerToClientEvents } from '#contracts';

export type CommentClientEventName = Extract<keyof ServerToClientEvents, `comment:${string}`>;

/** `task.commented` → `comment:created`; exhaustive, so a new comment event type breaks the build here. */
export const COMMENT_CLIENT_EVENTS: Record<CommentEventType, CommentClientEventName> = {
  'task.commented': 'comment:created',
  'task.comment_edited': 'comment:updated',
  'task.comment_deleted': 'comment:deleted',
};

/** What a client sees: the comment and its task's id, without the routing list or who was newly mentioned. */
export function toClientCommentEvent(event: CommentEvent): ClientCommentEvent {
  const { audience: _audience, newMentionIds: _mentions, task: _task, ...client } = event;
  return client;
}
