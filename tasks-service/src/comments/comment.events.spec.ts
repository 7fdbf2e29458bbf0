import { describe, expect, it } from '@jest/globals';
import type { CommentDto, TaskDto } from '#contracts';
import { buildCommentEvent } from './comment.events.js';

const now = '2026-11-25T12:00:00.000Z';
const owner = '00000000-0000-4000-8000-00000000000f';
const alice = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const projectId = '00000000-0000-4000-8000-0000000000f1';
const task: TaskDto = {
  id: '44444444-4444-4444-8444-444444444444', title: 'T', description: '', status: 'todo', priority: 'low', dueDate: null,
  ownerId: owner, assigneeIds: [alice], projectId, version: 1, createdAt: now, updatedAt: now,
};
const comment: CommentDto = { id: '00000000-0000-4000-8000-0000000000c1', taskId: task.id, authorId: alice, body: 'hi', mentionIds: [bob], createdAt: now, updatedAt: now, editedAt: null };

describe('buildCommentEvent', () => {
  it('goes on the tasks.events subject of its type, to owner, assignees and members, each once', () => {
    const message = buildCommentEvent({ type: 'task.comment_edited', task, comment, newMentionIds: [bob], actorId: alice, members: [bob, alice], requestId: 'r1' });
    expect(message.subject).toBe('tasks.events.comment_edited');
    expect(JSON.parse(message.json)).toEqual(message.payload);
    expect(message.payload).toMatchObject({ type: 'task.comment_edited', taskId: task.id, projectId, actorId: alice, comment, newMentionIds: [bob], requestId: 'r1' });
    expect(message.payload.audience).toEqual([owner, alice, bob]);
  });
});
