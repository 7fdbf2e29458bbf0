import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_ENV } from '#config';
import type { Actor, CommentDto, CommentEventType, CommentRequest, CreateCommentRequest, ListCommentsRequest, Page, TaskDto, UpdateCommentRequest } from '#contracts';
import { PAGE_LIMIT_DEFAULT } from '#contracts';
import { currentDeadline, currentRequestId } from '#logging';
import { OutboxSignal } from '#outbox';
import type { TasksEnv } from '../config/tasks.env.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { ListCursorCodec } from '../tasks/list-cursor.js';
import { toTaskDto } from '../tasks/task.entity.js';
import { accessOf, canSee, type TaskAccess } from '../tasks/task.policy.js';
import { taskNotFound } from '../tasks/tasks.errors.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import { UsersClient } from '../users/users.client.js';
import { buildCommentEvent } from './comment.events.js';
import { toCommentDto } from './comment.entity.js';
import { canComment, canDeleteComment, invisibleMentions, newlyMentioned } from './comment.policy.js';
import { authorOnlyEdit, commentNotFound, deleteNotAllowed, mentionsNotVisible, viewersMayNotComment } from './comments.errors.js';
import { CommentsRepository } from './comments.repository.js';

/** The task as the actor sees it, and who else can (for mentions and the event's audience). */
interface SeenTask {
  task: TaskDto;
  access: TaskAccess;
  members: string[];
}

/** Comment cursors are task-list cursors of the createdAt/asc order: signed, validated alike. */
const CURSOR_SORT = 'createdAt';
const CURSOR_ORDER = 'asc';

@Injectable()
export class CommentsService {
  private readonly cursors: ListCursorCodec;

  constructor(
    private readonly comments: CommentsRepository,
    private readonly tasks: TasksRepository,
    private readonly projects: ProjectsRepository,
    private readonly outbox: OutboxSignal,
    private readonly users: UsersClient,
    @Inject(APP_ENV) env: Pick<TasksEnv, 'CURSOR_SECRET'>,
  ) {
    this.cursors = new ListCursorCodec(env.CURSOR_SECRET);
  }

  async create(actor: Actor, request: CreateCommentRequest): Promise<CommentDto> {
    return this.write(async (db) => {
      // FOR KEY SHARE: a concurrent delete of the task waits, task edits do not.
      const seen = await this.visible(db, actor, request.taskId, true);
      if (!canComment(seen.access)) throw viewersMayNotComment();
      const mentionIds = await this.checkedMentions(seen, request.mentionIds ?? []);
      const comment = toCommentDto(await this.comments.insert(db, { taskId: request.taskId, authorId: actor.id, body: request.body, mentionIds }));
      await this.record(db, 'task.commented', seen, comment, mentionIds, actor);
      return comment;
    });
  }

  async list(actor: Actor, request: ListCommentsRequest): Promise<Page<CommentDto>> {
    await this.visible(undefined, actor, request.taskId);
    const limit = request.limit ?? PAGE_LIMIT_DEFAULT;
    const after = request.cursor ? this.cursors.decode(request.cursor, CURSOR_SORT, CURSOR_ORDER) : undefined;
    const rows = await this.comments.list(request.taskId, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toCommentDto),
      nextCursor: rows.length > limit && last ? this.cursors.encode(CURSOR_SORT, CURSOR_ORDER, { value: last.position, id: last.id }) : null,
    };
  }

  /** Author only. `mentionIds` absent keeps the mentions; only users not mentioned before are notified. */
  async update(actor: Actor, request: UpdateCommentRequest): Promise<CommentDto> {
    return this.write(async (db) => {
      const seen = await this.visible(db, actor, request.taskId, true);
      const current = await this.comments.find(db, request.taskId, request.commentId, true);
      if (!current) throw commentNotFound();
      if (current.author_id !== actor.id) throw authorOnlyEdit();
      if (!canComment(seen.access)) throw viewersMayNotComment();
      const mentionIds = request.mentionIds === undefined ? current.mention_ids : await this.checkedMentions(seen, request.mentionIds);
      const comment = toCommentDto(await this.comments.update(db, current.id, request.body, mentionIds));
      await this.record(db, 'task.comment_edited', seen, comment, newlyMentioned(current.mention_ids, mentionIds), actor);
      return comment;
    });
  }

  async delete(actor: Actor, request: CommentRequest): Promise<null> {
    await this.write(async (db) => {
      const seen = await this.visible(db, actor, request.taskId, true);
      const current = await this.comments.find(db, request.taskId, request.commentId, true);
      if (!current) throw commentNotFound();
      if (!canDeleteComment(seen.access, current.author_id === actor.id)) throw deleteNotAllowed();
      await this.comments.delete(db, current.id);
      await this.record(db, 'task.comment_deleted', seen, toCommentDto(current), [], actor);
      return null;
    });
    return null;
  }

  private async write<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.tasks.transaction(work, currentDeadline());
    this.outbox.notify();
    return result;
  }

  private record(db: EntityManager, type: CommentEventType, seen: SeenTask, comment: CommentDto, newMentionIds: string[], actor: Actor) {
    const event = buildCommentEvent({ type, task: seen.task, comment, newMentionIds, actorId: actor.id, members: seen.members, requestId: currentRequestId() ?? null });
    return this.tasks.insertOutbox(db, event);
  }

  /**
   * Mentions must see the task: its owner, assignees and project members, and admins, who see
   * every task. Roles live in auth-service, so it is asked only about the ids that are none of
   * the others (rare: no round trip for the usual mentions).
   */
  private async checkedMentions(seen: SeenTask, mentionIds: string[]): Promise<string[]> {
    const unique = [...new Set(mentionIds.map((id) => id.toLowerCase()))];
    const viewers = new Set([seen.task.ownerId, ...seen.task.assigneeIds, ...seen.members]);
    const others = invisibleMentions(unique, viewers);
    const invisible = others.length > 0 ? invisibleMentions(others, new Set(await this.users.adminsAmong(others))) : [];
    if (invisible.length > 0) throw mentionsNotVisible(invisible);
    return unique;
  }

  private async visible(db: EntityManager | undefined, actor: Actor, taskId: string, lockKey = false): Promise<SeenTask> {
    const record = await this.tasks.find(taskId, db, lockKey ? 'key share' : false);
    if (!record) throw taskNotFound();
    const projectId = record.task.projectId;
    const projectRole = projectId && actor.role !== 'admin' ? await this.projects.roleOf(projectId, actor.id, db) : null;
    const access = accessOf(actor, record.task, record.assigneeIds, projectRole);
    if (!canSee(access)) throw taskNotFound();
    const members = projectId ? await this.projects.memberIds(projectId, db) : [];
    return { task: toTaskDto(record), access, members };
  }
}
