import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_ENV } from '#config';
import type {
  Actor,
  AssignRequest,
  CreateTaskRequest,
  ListTasksQuery,
  Page,
  TaskChangeableField,
  TaskDto,
  TaskEventType,
  TaskRequest,
  UnassignRequest,
  UpdateTaskRequest,
} from '#contracts';
import { currentDeadline, currentRequestId } from '#logging';
import { TaskListCache } from '../cache/task-list.cache.js';
import type { TasksEnv } from '../config/tasks.env.js';
import { OutboxSignal } from '#outbox';
import { UsersClient } from '../users/users.client.js';
import { ListCursorCodec } from './list-cursor.js';
import { normalizeListQuery } from './list-query.js';
import { diffFields, hasChanges, normalizeDate, requestedFields, type TaskChanges, type TaskFields } from './task.changes.js';
import { toTaskDto, type TaskRecord } from './task.entity.js';
import { buildTaskEvent } from './task.events.js';
import { accessOf, canManage, canSee, forbiddenFields } from './task.policy.js';
import { assigneeStatusOnly, idempotencyKeyReused, nothingToChange, ownerOrAdminOnly, taskNotFound, unknownAssignee, outOfTime, versionConflict } from './tasks.errors.js';
import { TasksRepository } from './tasks.repository.js';

/** What a write did: the task to answer with and the users whose lists it may change. */
interface WriteOutcome {
  task: TaskDto;
  /** Empty when nothing changed (no event, no cache bump). */
  affectedUsers: string[];
}

const unchanged = (task: TaskDto): WriteOutcome => ({ task, affectedUsers: [] });

/** SHA-256 of the create's fields as sent (fixed order; the key itself excluded): "the same request". */
function requestFingerprint({ title, description, status, priority, dueDate }: CreateTaskRequest): Buffer {
  return createHash('sha256')
    .update(JSON.stringify([title, description ?? null, status ?? null, priority ?? null, dueDate ?? null]))
    .digest();
}

@Injectable()
export class TasksService {
  private readonly cursors: ListCursorCodec;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly listCache: TaskListCache,
    private readonly outbox: OutboxSignal,
    private readonly users: UsersClient,
    @Inject(APP_ENV) env: Pick<TasksEnv, 'CURSOR_SECRET'>,
  ) {
    this.cursors = new ListCursorCodec(env.CURSOR_SECRET);
  }

  /**
   * The hot path: id and timestamps are made here, so the task and its event go to
   * PostgreSQL in one statement (atomic on its own) instead of a four-round-trip transaction.
   */
  async create(actor: Actor, request: CreateTaskRequest): Promise<TaskDto> {
    const now = new Date();
    const task: TaskDto = {
      id: randomUUID(),
      title: request.title,
      description: request.description ?? '',
      status: request.status ?? 'todo',
      priority: request.priority ?? 'medium',
      dueDate: normalizeDate(request.dueDate ?? null),
      ownerId: actor.id,
      assigneeIds: [],
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const event = buildTaskEvent({ type: 'task.created', task, actorId: actor.id, requestId: currentRequestId() ?? null, now });
    if (request.idempotencyKey !== undefined) {
      const fingerprint = requestFingerprint(request);
      const outcome = await this.tasks.insertWithEventOnce(task, event, { key: request.idempotencyKey, fingerprint }, currentDeadline());
      if (!outcome.created) {
        if (!outcome.earlier) throw outOfTime();
        // A retry: the first answer again, not a second task.
        if (!outcome.earlier.fingerprint.equals(fingerprint)) throw idempotencyKeyReused();
        return outcome.earlier.response;
      }
    } else if (!(await this.tasks.insertWithEvent(task, event, currentDeadline()))) {
      throw outOfTime();
    }
    this.outbox.notify();
    await this.listCache.invalidate([task.ownerId]);
    return task;
  }

  async get(actor: Actor, request: TaskRequest): Promise<TaskDto> {
    return toTaskDto(this.visible(await this.tasks.find(request.taskId), actor));
  }

  /** Optimistic: applies only if `version` is still current, else CONFLICT with the task as it is. */
  async update(actor: Actor, request: UpdateTaskRequest): Promise<TaskDto> {
    const { taskId, version } = request;
    const requested = requestedFields(request);
    const fields = Object.keys(requested) as TaskChangeableField[];
    if (fields.length === 0) throw nothingToChange();

    return this.write(async (db) => {
      const current = this.visible(await this.tasks.find(taskId, db), actor);
      const forbidden = forbiddenFields(accessOf(actor, current.task, current.assigneeIds), fields);
      if (forbidden.length > 0) throw assigneeStatusOnly(forbidden);
      const before = toTaskDto(current);
      if (before.version !== version) throw versionConflict(before);
      const changes = diffFields(before, requested);
      if (!hasChanges(changes)) return unchanged(before);

      const values = Object.fromEntries(Object.keys(changes).map((field) => [field, requested[field as TaskChangeableField]])) as Partial<TaskFields>;
      const updated = await this.tasks.updateIfVersion(db, taskId, version, values);
      if (!updated) {
        // Another update committed between our read and our write: report the task as it is now.
        const now = await this.tasks.find(taskId, db);
        if (!now || !canSee(accessOf(actor, now.task, now.assigneeIds))) throw taskNotFound();
        throw versionConflict(toTaskDto(now));
      }
      const after = toTaskDto({ task: updated, assigneeIds: current.assigneeIds });
      await this.recordEvent(db, 'task.updated', after, actor, changes);
      return { task: after, affectedUsers: [after.ownerId, ...after.assigneeIds] };
    });
  }

  async delete(actor: Actor, request: TaskRequest): Promise<null> {
    await this.write(async (db) => {
      const current = this.visible(await this.tasks.find(request.taskId, db, true), actor);
      if (!canManage(accessOf(actor, current.task, current.assigneeIds))) throw ownerOrAdminOnly('delete it');
      const before = toTaskDto(current);
      await this.tasks.delete(db, before.id);
      await this.recordEvent(db, 'task.deleted', before, actor);
      return { task: before, affectedUsers: [before.ownerId, ...before.assigneeIds] };
    });
    return null;
  }

  /** Idempotent: assigning an assignee again answers the task unchanged. */
  async assign(actor: Actor, request: AssignRequest): Promise<TaskDto> {
    const { taskId, userId } = request;
    // Checked before asking auth-service, so an invisible task never reveals anything.
    const seen = this.manageable(await this.tasks.find(taskId), actor, 'assign users');
    if (seen.assigneeIds.includes(userId)) return toTaskDto(seen);
    if (!(await this.users.exists(userId))) throw unknownAssignee();

    return this.write(async (db) => {
      const current = this.manageable(await this.tasks.find(taskId, db, true), actor, 'assign users');
      if (!(await this.tasks.addAssignee(db, taskId, userId))) return unchanged(toTaskDto(current));
      const assigneeIds = [...current.assigneeIds, userId];
      const after = toTaskDto({ task: await this.tasks.bumpVersion(db, taskId), assigneeIds });
      await this.recordEvent(db, 'task.assigned', after, actor, { assigneeIds: { from: current.assigneeIds, to: assigneeIds } });
      return { task: after, affectedUsers: [after.ownerId, ...assigneeIds] };
    });
  }

  /** Idempotent: unassigning someone who is not assigned answers the task unchanged. */
  async unassign(actor: Actor, request: UnassignRequest): Promise<TaskDto> {
    const { taskId, userId } = request;
    return this.write(async (db) => {
      const current = this.manageable(await this.tasks.find(taskId, db, true), actor, 'unassign users');
      if (!(await this.tasks.removeAssignee(db, taskId, userId))) return unchanged(toTaskDto(current));
      const assigneeIds = current.assigneeIds.filter((id) => id !== userId);
      const after = toTaskDto({ task: await this.tasks.bumpVersion(db, taskId), assigneeIds });
      await this.recordEvent(db, 'task.unassigned', after, actor, { assigneeIds: { from: current.assigneeIds, to: assigneeIds } }, [userId]);
      return { task: after, affectedUsers: [after.ownerId, ...current.assigneeIds] };
    });
  }

  /** Users who share at least one task with the actor (for presence). */
  collaborators(actor: Actor): Promise<string[]> {
    return this.tasks.collaboratorsOf(actor.id);
  }

  async list(actor: Actor, request: ListTasksQuery): Promise<Page<TaskDto>> {
    const query = normalizeListQuery(request, actor);
    // Decoded before the cache is asked: a bad cursor is refused even when a page is cached.
    const after = query.cursor ? this.cursors.decode(query.cursor, query.sort, query.order) : undefined;
    const key = await this.listCache.keyFor(actor, query);
    const cached = key ? await this.listCache.get(key) : null;
    if (cached) return cached;

    const rows = await this.tasks.list(query, actor, after, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const page: Page<TaskDto> = {
      items: items.map(toTaskDto),
      nextCursor: rows.length > query.limit && last ? this.cursors.encode(query.sort, query.order, { value: last.sortValue, id: last.task.id }) : null,
    };
    if (key) await this.listCache.set(key, page);
    return page;
  }

  /**
   * Runs a change in one transaction (the change and its outbox row commit together), then,
   * before answering: wakes the outbox relay and makes every affected user's cached lists
   * stale, so nobody reads a list older than a write they saw answered.
   */
  private async write(work: (db: EntityManager) => Promise<WriteOutcome>): Promise<TaskDto> {
    const outcome = await this.tasks.transaction(work, currentDeadline());
    if (outcome.affectedUsers.length > 0) {
      this.outbox.notify();
      await this.listCache.invalidate(outcome.affectedUsers);
    }
    return outcome.task;
  }

  private recordEvent(db: EntityManager, type: TaskEventType, task: TaskDto, actor: Actor, changes?: TaskChanges, formerAudience?: string[]) {
    return this.tasks.insertOutbox(db, buildTaskEvent({ type, task, actorId: actor.id, changes, formerAudience, requestId: currentRequestId() ?? null }));
  }

  private visible(record: TaskRecord | null, actor: Actor): TaskRecord {
    if (!record || !canSee(accessOf(actor, record.task, record.assigneeIds))) throw taskNotFound();
    return record;
  }

  private manageable(record: TaskRecord | null, actor: Actor, action: string): TaskRecord {
    const visible = this.visible(record, actor);
    if (!canManage(accessOf(actor, visible.task, visible.assigneeIds))) throw ownerOrAdminOnly(action);
    return visible;
  }
}
