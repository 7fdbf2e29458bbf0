import { describe, expect, it } from '@jest/globals';
import type { CommentEvent, CommentEventType } from '#contracts';
import { notificationsFor } from './notification.factory.js';

const owner = '11111111-1111-4111-8111-111111111111';
const alice = '22222222-2222-4222-8222-222222222222';
const bob = '33333333-3333-4333-8333-333333333333';
const carol = '66666666-6666-4666-8666-666666666666';
const taskId = '44444444-4444-4444-8444-444444444444';
const commentId = '77777777-7777-4777-8777-777777777777';

const event = (type: CommentEventType, actorId: string, newMentionIds: string[]): CommentEvent => ({
  eventId: '55555555-5555-4555-8555-555555555555',
  type,
  taskId,
  projectId: null,
  actorId,
  occurredAt: '2026-11-25T12:00:00.000Z',
  task: {
    id: taskId, title: 'Ship it', description: '', status: 'todo', priority: 'high', dueDate: null,
    ownerId: owner, assigneeIds: [alice], projectId: null, version: 2, createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z',
  },
  comment: { id: commentId, taskId, authorId: actorId, body: 'hi', mentionIds: newMentionIds, createdAt: '2026-11-25T12:00:00.000Z', updatedAt: '2026-11-25T12:00:00.000Z', editedAt: null },
  newMentionIds,
  audience: [owner, alice, bob, carol],
  requestId: null,
});

const summary = (e: CommentEvent) => notificationsFor(e).map((n) => `${n.type}:${n.userId}`).sort();

describe('comment notifications', () => {
  it('a new comment: mentions get comment.mentioned, owner and assignees task.commented, never both, never the author', () => {
    expect(summary(event('task.commented', bob, [alice, carol, bob]))).toEqual(
      [`comment.mentioned:${alice}`, `comment.mentioned:${carol}`, `task.commented:${owner}`].sort(),
    );
    // The author is the owner: the owner gets nothing, the assignee task.commented.
    expect(summary(event('task.commented', owner, []))).toEqual([`task.commented:${alice}`]);
  });

  it('carries the comment and the task title', () => {
    const [first] = notificationsFor(event('task.commented', bob, [carol]));
    expect(first).toMatchObject({ type: 'comment.mentioned', userId: carol, commentId, taskId, taskTitle: 'Ship it', actorId: bob });
  });

  it('an edit notifies only the newly mentioned, not the owner or assignees (already told of the comment)', () => {
    expect(summary(event('task.comment_edited', bob, [carol, owner]))).toEqual([`comment.mentioned:${carol}`]);
    expect(summary(event('task.comment_edited', bob, []))).toEqual([]);
  });

  it('a deletion notifies nobody', () => {
    expect(summary(event('task.comment_deleted', bob, []))).toEqual([]);
  });
});
