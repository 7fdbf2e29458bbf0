import { describe, expect, it } from '@jest/globals';
import { COMMENT_EVENT_TYPES, type CommentEvent } from '#contracts';
import { makeTaskEvent } from '#testing';
import { COMMENT_CLIENT_EVENTS, toClientCommentEvent } from './comment-fanout.js';

const task = makeTaskEvent().task;
const event: CommentEvent = {
  eventId: '55555555-5555-4555-8555-555555555555',
  type: 'task.commented',
  taskId: task.id,
  projectId: null,
  actorId: task.ownerId,
  occurredAt: task.createdAt,
  task,
  comment: { id: '77777777-7777-4777-8777-777777777777', taskId: task.id, authorId: task.ownerId, body: 'x', mentionIds: [], createdAt: task.createdAt, updatedAt: task.createdAt, editedAt: null },
  newMentionIds: [],
  audience: [task.ownerId],
  requestId: null,
};

describe('comment fan-out', () => {
  it('names a client event for every comment event type', () => {
    expect(COMMENT_EVENT_TYPES.map((type) => COMMENT_CLIENT_EVENTS[type])).toEqual(['comment:created', 'comment:updated', 'comment:deleted']);
  });


  it('shows clients the comment, not the routing list, the mentions to notify or the task snapshot', () => {
    const client = toClientCommentEvent(event);
    expect(client).toEqual({ eventId: event.eventId, type: event.type, taskId: task.id, projectId: null, actorId: task.ownerId, occurredAt: event.occurredAt, comment: event.comment, requestId: null });
  });
});
