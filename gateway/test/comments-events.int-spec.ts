import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommentDto, EventLogDto, NotificationDto } from '#contracts';
import { Api, startEventsStack, assignTask, createTask, registerUser, waitFor, type Stack, type TestUser } from '#testing';

/** tasks-service's outbox → JetStream → events-service: the task's activity and the notifications of comments. */
let stack: Stack;
let api: Api;

beforeAll(async () => {
  stack = await startEventsStack();
  api = new Api(stack.baseUrl);
}, 180_000);
afterAll(() => stack?.close());

async function ok<T = any>(path: string, user: TestUser): Promise<T> {
  const response = await api.get<T>(path, { token: user.accessToken });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
  return response.body;
}
const activity = (user: TestUser, taskId: string) => ok<{ items: EventLogDto[] }>(`/api/tasks/${taskId}/activity?limit=100`, user).then((page) => page.items);
const notifications = (user: TestUser) => ok<{ items: NotificationDto[] }>('/api/notifications?limit=100', user).then((page) => page.items);
const forComment = (list: NotificationDto[], commentId: string) => list.filter((n) => n.commentId === commentId).map((n) => n.type).sort();

describe('comment events', () => {
  it('are in the task activity and notify owner, assignees and mentions: never the author, never both', async () => {
    const [owner, assignee, author, other] = await Promise.all([registerUser(api), registerUser(api), registerUser(api), registerUser(api)]);
    const project = (await api.post('/api/projects', { name: 'Chatty' }, { token: owner.accessToken })).body;
    for (const user of [assignee, author, other]) {
      expect((await api.request('PUT', `/api/projects/${project.id}/members/${user.user.id}`, { body: { role: 'editor' }, token: owner.accessToken })).status).toBe(200);
    }
    const task = await createTask(api, owner.accessToken, { title: 'Talk about it', projectId: project.id });
    await assignTask(api, owner.accessToken, task.id, assignee.user.id);

    // Mentions the assignee (mention only, not task.commented) and the author themself (nothing).
    const posted = await api.post<CommentDto>(`/api/tasks/${task.id}/comments`, { body: 'first', mentionIds: [assignee.user.id, author.user.id] }, { token: author.accessToken });
    expect(posted.status).toBe(201);
    const comment = posted.body;
    await waitFor(async () => forComment(await notifications(owner), comment.id).length > 0 && forComment(await notifications(assignee), comment.id).length > 0, 15000, 'comment notifications');
    expect(forComment(await notifications(owner), comment.id)).toEqual(['task.commented']);
    expect(forComment(await notifications(assignee), comment.id)).toEqual(['comment.mentioned']);

    // An edit that adds `other` and keeps the assignee notifies `other` only.
    const edited = await api.patch<CommentDto>(`/api/tasks/${task.id}/comments/${comment.id}`, { body: 'first, edited', mentionIds: [assignee.user.id, other.user.id] }, { token: author.accessToken });
    expect(edited.status).toBe(200);
    expect((await api.delete(`/api/tasks/${task.id}/comments/${comment.id}`, { token: owner.accessToken })).status).toBe(204);

    const log = await waitFor(async () => {
      const items = await activity(owner, task.id);
      return items.some((e) => e.type === 'task.comment_deleted') ? items : undefined;
    }, 15000, 'comment events in the activity');
    const commentEntries = log.filter((e) => e.type.startsWith('task.comment'));
    expect(commentEntries.map((e) => e.type)).toEqual(['task.comment_deleted', 'task.comment_edited', 'task.commented']);
    expect(commentEntries.every((e) => e.comment?.id === comment.id && e.actorId !== undefined)).toBe(true);
    expect(commentEntries[1]!.comment).toMatchObject({ body: 'first, edited', editedAt: expect.any(String) });
    expect(commentEntries[0]!.actorId).toBe(owner.user.id);
    // The assignee sees the same entries.
    expect((await activity(assignee, task.id)).filter((e) => e.type.startsWith('task.comment')).map((e) => e.eventId)).toEqual(commentEntries.map((e) => e.eventId));

    // Once the deletion is logged, everything before it was processed: check nothing else was sent.
    await waitFor(async () => forComment(await notifications(other), comment.id).length > 0, 15000, 'the new mention');
    expect(forComment(await notifications(other), comment.id)).toEqual(['comment.mentioned']);
    expect(forComment(await notifications(author), comment.id)).toEqual([]);
    expect(forComment(await notifications(owner), comment.id)).toEqual(['task.commented']);
    expect(forComment(await notifications(assignee), comment.id)).toEqual(['comment.mentioned']);
  });
});
