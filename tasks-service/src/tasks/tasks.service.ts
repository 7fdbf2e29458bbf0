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
import { atLeast, projectAccessOf } from '../projects/project.policy.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { UsersClient } from '../users/users.client.js';
import { ListCursorCodec } from './list-cursor.js';
import { normalizeListQuery } from './list-query.js';
import { diffFields, hasChanges, normalizeDate, requestedFields, type TaskChanges } from './task.changes.js';
import { toTaskDto, type TaskRecord } from './task.entity.js';
import { buildTaskEvent } from './task.events.js';
import { accessOf, canDelete, canManage, canSee, forbiddenFields, type TaskAccess } from './task.policy.js';
import {
  assigneeNotMember,
  assigneeStatusOnly,
  editorsOnly,
  idempotencyKeyReused,
  managersOnlyDelete,
  nothingToChange,
  outOfTime,
  ownerOrAdminOnly,
  projectEditorsOnly,
  projectNotFoundForTask,
  taskNotFound,
  unknownAssignee,
  versionConflict,
  viewersReadOnly,
} from './tasks.errors.js';
import { TasksRepository, type StoredFields } from './tasks.repository.js';

/** What a write did: the task to answer with and the users and projects whose lists it may change. */
interface WriteOutcome {
  task: TaskDto;
  /** Empty when nothing changed (no event, no cache bump). */
  affectedUsers: string[];
  /** The task's project (before and after a move): every member's lists. */
  affectedProjects?: (string | null)[];
}

/** A task as the actor sees it: the record, their access, and its project's members (for the event's audience). */
interface SeenTask extends TaskRecord {
  access: TaskAccess;
}

const unchanged = (task: TaskDto): WriteOutcome => ({ task, affectedUsers: [] });
const present = (ids: readonly (string | null | undefined)[]): string[] => ids.filter((id): id is string => typeof id === 'string');

/** SHA-256 of the create's fields as sent (fixed order; the key itself excluded): "the same request". */
function requestFingerprint({ title, description, status, priority, dueDate, projectId }: CreateTaskRequest): Buffer {
  // projectId joins the list only when sent, so keys stored before projects existed still match.
  const fields: unknown[] = [title, description ?? null, status ?? null, priority ?? null, dueDate ?? null];
  if (projectId) fields.push(projectId);
  return createHash('sha256')
    .update(JSON.stringify(fields))
    .digest();
}

@Injectable()
export class TasksService {
  private readonly cursors: ListCursorCodec;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly projects: ProjectsRepository,
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
   * A project task needs an editor (or manager, or admin) of the project.
   */
  async create(actor: Actor, request: CreateTaskRequest): Promise<TaskDto> {
    const projectId = request.projectId?.toLowerCase() ?? null;
    const members = projectId ? await this.projectEditable(actor, projectId) : [];
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
      projectId,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const event = buildTaskEvent({ type: 'task.created', task, actorId: actor.id, members, requestId: currentRequestId() ?? null, now });
    try {
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
    } catch (error) {
      // The project was deleted between the check and the insert (foreign key violation).
      if ((error as { code?: string }).code === '23503') throw projectNotFoundForTask();
      throw error;
    }
    this.outbox.notify();
    await this.listCache.invalidate([task.ownerId], present([projectId]));
    return task;
  }

  async get(actor: Actor, request: TaskRequest): Promise<TaskDto> {
    return toTaskDto(await this.visible(await this.tasks.find(request.taskId), actor));
  }

  /** Optimistic: applies only if `version` is still current, else CONFLICT with the task as it is. */
  async update(actor: Actor, request: UpdateTaskRequest): Promise<TaskDto> {
    const { taskId, version } = request;
    const requested = requestedFields(request);
    const fields = Object.keys(requested) as TaskChangeableField[];
    const requestedProject = request.projectId === undefined ? undefined : (request.projectId?.toLowerCase() ?? null);
    if (fields.length === 0 && requestedProject === undefined) throw nothingToChange();

    return this.write(async (db) => {
      const current = await this.visible(await this.tasks.find(taskId, db), actor, db);
      const moving = requestedProject !== undefined && requestedProject !== current.task.projectId;
      const forbidden = forbiddenFields(current.access, fields);
      if (forbidden.length > 0) throw current.access === 'viewer' ? viewersReadOnly() : assigneeStatusOnly(forbidden);
      if (moving && !canManage(current.access)) throw editorsOnly('move it to another project');
      const before = toTaskDto(current);
      if (before.version !== version) throw versionConflict(before);
      const changes = diffFields(before, requested);
      let members: string[] = [];
      let formerMembers: string[] = [];
      if (moving) {
        formerMembers = current.task.projectId ? await this.projectEditable(actor, current.task.projectId, db) : [];
        members = requestedProject ? await this.projectEditable(actor, requestedProject, db) : [];
        if (requestedProject && current.assigneeIds.some((id) => !members.includes(id))) throw assigneeNotMember();
        changes.projectId = { from: current.task.projectId, to: requestedProject };
      } else if (current.task.projectId) {
        members = await this.projects.memberIds(current.task.projectId, db);
      }
      if (!hasChanges(changes)) return unchanged(before);

      const values = Object.fromEntries(Object.keys(changes).map((field) => [field, field === 'projectId' ? requestedProject : requested[field as TaskChangeableField]])) as StoredFields;
      const updated = await this.tasks.updateIfVersion(db, taskId, version, values);
      if (!updated) {
        // Another update committed between our read and our write: report the task as it is now.
        const now = await this.tasks.find(taskId, db);
        throw versionConflict(toTaskDto(await this.visible(now, actor, db)));
      }
      const after = toTaskDto({ task: updated, assigneeIds: current.assigneeIds });
      await this.recordEvent(db, 'task.updated', after, actor, { changes, members, formerAudience: formerMembers });
      return { task: after, affectedUsers: [after.ownerId, ...after.assigneeIds], affectedProjects: [before.projectId, after.projectId] };
    });
  }

  async delete(actor: Actor, request: TaskRequest): Promise<null> {
    await this.write(async (db) => {
      const current = await this.visible(await this.tasks.find(request.taskId, db, true), actor, db);
      if (!canDelete(current.access)) throw current.task.projectId ? managersOnlyDelete() : ownerOrAdminOnly('delete it');
      const before = toTaskDto(current);
      await this.tasks.delete(db, before.id);
      await this.recordEvent(db, 'task.deleted', before, actor, { members: await this.membersOf(before.projectId, db) });
      return { task: before, affectedUsers: [before.ownerId, ...before.assigneeIds], affectedProjects: [before.projectId] };
    });
    return null;
  }

  /** Idempotent: assigning an assignee again answers the task unchanged. */
  async assign(actor: Actor, request: AssignRequest): Promise<TaskDto> {
    const { taskId, userId } = request;
    // Checked before asking auth-service, so an invisible task never reveals anything.
    const seen = await this.manageable(await this.tasks.find(taskId), actor, 'assign users');
    if (seen.assigneeIds.includes(userId)) return toTaskDto(seen);
    if (seen.task.projectId) {
      // Members are users: auth-service need not be asked.
      if ((await this.projects.membersAmong(seen.task.projectId, [userId])).length === 0) throw assigneeNotMember();
    } else if (!(await this.users.exists(userId))) {
      throw unknownAssignee();
    }

    return this.write(async (db) => {
      const current = await this.manageable(await this.tasks.find(taskId, db, true), actor, 'assign users', db);
      if (current.task.projectId && (await this.projects.membersAmong(current.task.projectId, [userId], db)).length === 0) throw assigneeNotMember();
      if (!(await this.tasks.addAssignee(db, taskId, userId))) return unchanged(toTaskDto(current));
      const assigneeIds = [...current.assigneeIds, userId];
      const after = toTaskDto({ task: await this.tasks.bumpVersion(db, taskId), assigneeIds });
      const members = await this.membersOf(after.projectId, db);
      await this.recordEvent(db, 'task.assigned', after, actor, { changes: { assigneeIds: { from: current.assigneeIds, to: assigneeIds } }, members });
      return { task: after, affectedUsers: [after.ownerId, ...assigneeIds], affectedProjects: [after.projectId] };
    });
  }

  /** Idempotent: unassigning someone who is not assigned answers the task unchanged. */
  async unassign(actor: Actor, request: UnassignRequest): Promise<TaskDto> {
    const { taskId, userId } = request;
    return this.write(async (db) => {
      const current = await this.manageable(await this.tasks.find(taskId, db, true), actor, 'unassign users', db);
      if (!(await this.tasks.removeAssignee(db, taskId, userId))) return unchanged(toTaskDto(current));
      const assigneeIds = current.assigneeIds.filter((id) => id !== userId);
      const after = toTaskDto({ task: await this.tasks.bumpVersion(db, taskId), assigneeIds });
      const members = await this.membersOf(after.projectId, db);
      await this.recordEvent(db, 'task.unassigned', after, actor, { changes: { assigneeIds: { from: current.assigneeIds, to: assigneeIds } }, formerAudience: [userId], members });
      return { task: after, affectedUsers: [after.ownerId, ...current.assigneeIds], affectedProjects: [after.projectId] };
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
    // The reader's projects as of now: a membership change changes the key at once.
    const projectIds = actor.role === 'admin' ? [] : await this.projects.projectIdsOf(actor.id);
    const key = await this.listCache.keyFor(actor, query, projectIds);
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
   * before answering: wakes the outbox relay and makes every affected user's (and project
   * member's) cached lists stale, so nobody reads a list older than a write they saw answered.
   */
  private async write(work: (db: EntityManager) => Promise<WriteOutcome>): Promise<TaskDto> {
    const outcome = await this.tasks.transaction(work, currentDeadline());
    if (outcome.affectedUsers.length > 0) {
      this.outbox.notify();
      await this.listCache.invalidate(outcome.affectedUsers, present(outcome.affectedProjects ?? []));
    }
    return outcome.task;
  }

  private recordEvent(
    db: EntityManager,
    type: TaskEventType,
    task: TaskDto,
    actor: Actor,
    extra: { changes?: TaskChanges; formerAudience?: string[]; members?: string[] } = {},
  ) {
    return this.tasks.insertOutbox(db, buildTaskEvent({ type, task, actorId: actor.id, ...extra, requestId: currentRequestId() ?? null }));
  }

  private membersOf(projectId: string | null, db: EntityManager): Promise<string[]> {
    return projectId ? this.projects.memberIds(projectId, db) : Promise.resolve([]);
  }

  /**
   * The project's members, when the actor may put tasks in it or take them out (editor,
   * manager, admin). Not a member (or no such project): 404; a viewer: 403.
   */
  private async projectEditable(actor: Actor, projectId: string, db?: EntityManager): Promise<string[]> {
    const role = await this.projects.roleOf(projectId, actor.id, db);
    const access = projectAccessOf(actor, role);
    if (access === 'none' || !(await this.projects.exists(projectId, db))) throw projectNotFoundForTask();
    if (!atLeast(access, 'editor')) throw projectEditorsOnly();
    return this.projects.memberIds(projectId, db);
  }

  private async visible(record: TaskRecord | null, actor: Actor, db?: EntityManager): Promise<SeenTask> {
    if (!record) throw taskNotFound();
    const projectRole = record.task.projectId && actor.role !== 'admin' ? await this.projects.roleOf(record.task.projectId, actor.id, db) : null;
    const access = accessOf(actor, record.task, record.assigneeIds, projectRole);
    if (!canSee(access)) throw taskNotFound();
    return { ...record, access };
  }

  private async manageable(record: TaskRecord | null, actor: Actor, action: string, db?: EntityManager): Promise<SeenTask> {
    const seen = await this.visible(record, actor, db);
    if (!canManage(seen.access)) throw seen.access === 'viewer' ? viewersReadOnly() : seen.task.projectId ? editorsOnly(action) : ownerOrAdminOnly(action);
    return seen;
  }
}
