import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_ENV } from '#config';
import {
  PROJECT_CHANGEABLE_FIELDS,
  type Actor,
  type CreateProjectBody,
  type ListMembersRequest,
  type ListProjectsQuery,
  type Page,
  type ProjectDto,
  type ProjectEvent,
  type ProjectMemberDto,
  type ProjectRequest,
  type RemoveMemberRequest,
  type SetMemberRequest,
  type UpdateProjectRequest,
} from '#contracts';
import { currentDeadline, currentRequestId } from '#logging';
import { OutboxSignal } from '#outbox';
import { TaskListCache } from '../cache/task-list.cache.js';
import type { TasksEnv } from '../config/tasks.env.js';
import { ListCursorCodec } from '../tasks/list-cursor.js';
import { toTaskDto } from '../tasks/task.entity.js';
import { buildTaskEvent } from '../tasks/task.events.js';
import { nothingToChange } from '../tasks/tasks.errors.js';
import { UsersClient } from '../users/users.client.js';
import { toProjectSnapshot, type ProjectEntity } from './project.entity.js';
import { buildProjectEvent, type ProjectEventInput } from './project.events.js';
import { atLeast, myRoleOf, projectAccessOf, type ProjectAccess } from './project.policy.js';
import { lastManager, managersOnly, memberNotFound, projectNotFound, projectVersionConflict, unknownUser } from './projects.errors.js';
import { ProjectsRepository, type ProjectWithRole } from './projects.repository.js';

/** What a write did: the answer, and whose cached task lists it made stale. */
interface ProjectWrite<T> {
  result: T;
  staleUsers: string[];
  staleProjects: string[];
}

const toDto = (project: ProjectEntity, access: ProjectAccess): ProjectDto => ({ ...toProjectSnapshot(project), myRole: myRoleOf(access) });

@Injectable()
export class ProjectsService {
  private readonly cursors: ListCursorCodec;

  constructor(
    private readonly projects: ProjectsRepository,
    private readonly listCache: TaskListCache,
    private readonly outbox: OutboxSignal,
    private readonly users: UsersClient,
    @Inject(APP_ENV) env: Pick<TasksEnv, 'CURSOR_SECRET'>,
  ) {
    this.cursors = new ListCursorCodec(env.CURSOR_SECRET);
  }

  /** The creator is its first manager. */
  create(actor: Actor, request: CreateProjectBody): Promise<ProjectDto> {
    return this.write(async (db) => {
      const project = await this.projects.insert(db, { name: request.name, description: request.description ?? '', ownerId: actor.id });
      await this.record(db, actor, { type: 'project.created', project: toProjectSnapshot(project), audience: [actor.id] });
      return { result: toDto(project, 'manager'), staleUsers: [actor.id], staleProjects: [project.id] };
    });
  }

  async get(actor: Actor, request: ProjectRequest): Promise<ProjectDto> {
    const { project, access } = this.visible(await this.projects.find(request.projectId, actor.id), actor);
    return toDto(project, access);
  }

  /** Newest first; the caller's projects (admins: every project). */
  async list(actor: Actor, request: ListProjectsQuery): Promise<Page<ProjectDto>> {
    const limit = request.limit ?? 20;
    const after = request.cursor ? this.cursors.decode(request.cursor, 'createdAt', 'desc') : undefined;
    const rows = await this.projects.list(actor.id, actor.role === 'admin', request.q, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => toDto(row.project, projectAccessOf(actor, row.role))),
      nextCursor: rows.length > limit && last ? this.cursors.encode('createdAt', 'desc', { value: last.sortValue, id: last.project.id }) : null,
    };
  }

  /** Managers and admins; optimistic on `version` as tasks are. */
  update(actor: Actor, request: UpdateProjectRequest): Promise<ProjectDto> {
    const { projectId, version } = request;
    const requested = Object.fromEntries(PROJECT_CHANGEABLE_FIELDS.filter((field) => request[field] !== undefined).map((field) => [field, request[field]])) as {
      name?: string;
      description?: string;
    };
    if (Object.keys(requested).length === 0) throw nothingToChange();
    return this.write(async (db) => {
      const { project, access } = this.managed(await this.projects.find(projectId, actor.id, db, true), actor, 'change it');
      if (project.version !== version) throw projectVersionConflict(toDto(project, access));
      const changes = Object.fromEntries(
        Object.entries(requested)
          .filter(([field, value]) => project[field as keyof typeof requested] !== value)
          .map(([field, value]) => [field, { from: project[field as keyof typeof requested], to: value }]),
      ) as NonNullable<ProjectEvent['changes']>;
      if (Object.keys(changes).length === 0) return { result: toDto(project, access), staleUsers: [], staleProjects: [] };
      const updated = (await this.projects.updateIfVersion(db, projectId, version, requested))!;
      const members = await this.projects.memberIds(projectId, db);
      await this.record(db, actor, { type: 'project.updated', project: toProjectSnapshot(updated), changes, audience: members });
      return { result: toDto(updated, access), staleUsers: [], staleProjects: [] };
    });
  }

  /** Deletes the project and its tasks, each task with its `task.deleted` event, in one transaction. */
  async delete(actor: Actor, request: ProjectRequest): Promise<null> {
    await this.write(async (db) => {
      const { project } = this.managed(await this.projects.find(request.projectId, actor.id, db, true), actor, 'delete it');
      const members = await this.projects.memberIds(project.id, db);
      const tasks = await this.projects.lockTasksOf(db, project.id);
      const requestId = currentRequestId() ?? null;
      for (const record of tasks) {
        await this.projects.insertOutbox(db, buildTaskEvent({ type: 'task.deleted', task: toTaskDto(record), actorId: actor.id, members, requestId }));
      }
      await this.projects.deleteWithTasks(db, project.id);
      await this.record(db, actor, { type: 'project.deleted', project: toProjectSnapshot(project), audience: members });
      const taskPeople = tasks.flatMap(({ task, assigneeIds }) => [task.ownerId, ...assigneeIds]);
      return { result: null, staleUsers: [...members, ...taskPeople], staleProjects: [project.id] };
    });
    return null;
  }

  async members(actor: Actor, request: ListMembersRequest): Promise<Page<ProjectMemberDto>> {
    this.visible(await this.projects.find(request.projectId, actor.id), actor);
    const limit = request.limit ?? 20;
    const after = request.cursor ? this.cursors.decode(request.cursor, 'createdAt', 'asc') : undefined;
    const rows = await this.projects.members(request.projectId, after, limit + 1);
    const items = rows.slice(0, limit);
    const users = new Map((items.length ? await this.users.find(items.map((row) => row.userId)) : []).map((user) => [user.id, user]));
    const last = items.at(-1);
    return {
      items: items.map((row) => ({
        userId: row.userId,
        name: users.get(row.userId)?.name ?? '',
        email: users.get(row.userId)?.email ?? '',
        role: row.role,
        addedAt: row.addedAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? this.cursors.encode('createdAt', 'asc', { value: last.sortValue, id: last.userId }) : null,
    };
  }

  /** Adds a member or changes their role (managers and admins); demoting the last manager is 409. */
  async setMember(actor: Actor, request: SetMemberRequest): Promise<ProjectMemberDto> {
    const { projectId, userId, role } = request;
    this.managed(await this.projects.find(projectId, actor.id), actor, 'manage its members');
    const [user] = await this.users.find([userId]);
    if (!user) throw unknownUser();
    return this.write(async (db) => {
      const { project } = this.managed(await this.projects.find(projectId, actor.id, db, true), actor, 'manage its members');
      const before = await this.projects.member(db, projectId, userId);
      const answer = (member: { role: typeof role; addedAt: Date }): ProjectMemberDto => ({
        userId,
        name: user.name,
        email: user.email,
        role: member.role,
        addedAt: member.addedAt.toISOString(),
      });
      if (before?.role === role) return { result: answer(before), staleUsers: [], staleProjects: [] };
      if (before?.role === 'manager' && (await this.projects.countManagers(db, projectId)) <= 1) throw lastManager();
      const after = await this.projects.upsertMember(db, projectId, userId, role);
      const members = await this.projects.memberIds(projectId, db);
      const snapshot = toProjectSnapshot(project);
      if (before) {
        await this.record(db, actor, {
          type: 'project.member_role_changed',
          project: snapshot,
          member: { userId, role },
          changes: { role: { from: before.role, to: role } },
          audience: members,
        });
      } else {
        await this.record(db, actor, { type: 'project.member_added', project: snapshot, member: { userId, role }, audience: members });
      }
      return { result: answer(after), staleUsers: [userId], staleProjects: [] };
    });
  }

  /**
   * Managers and admins remove anyone, a member removes themself; removing the last manager
   * is 409. The removed member is unassigned from the project's tasks (each with its event),
   * so none of them stays visible to them.
   */
  async removeMember(actor: Actor, request: RemoveMemberRequest): Promise<null> {
    const { projectId, userId } = request;
    await this.write(async (db) => {
      const seen = this.visible(await this.projects.find(projectId, actor.id, db, true), actor);
      if (userId !== actor.id && !atLeast(seen.access, 'manager')) throw managersOnly('remove other members');
      const before = await this.projects.member(db, projectId, userId);
      if (!before) throw memberNotFound();
      if (before.role === 'manager' && (await this.projects.countManagers(db, projectId)) <= 1) throw lastManager();
      const audience = await this.projects.memberIds(projectId, db);
      await this.projects.removeMember(db, projectId, userId);
      const remaining = audience.filter((id) => id !== userId);
      const unassigned = await this.projects.unassignFromProject(db, projectId, userId);
      const requestId = currentRequestId() ?? null;
      for (const record of unassigned) {
        const after = toTaskDto(record);
        const changes = { assigneeIds: { from: [...after.assigneeIds, userId], to: after.assigneeIds } };
        await this.projects.insertOutbox(
          db,
          buildTaskEvent({ type: 'task.unassigned', task: after, actorId: actor.id, changes, formerAudience: [userId], members: remaining, requestId }),
        );
      }
      await this.record(db, actor, { type: 'project.member_removed', project: toProjectSnapshot(seen.project), member: { userId, role: before.role }, audience });
      const taskOwners = unassigned.map(({ task }) => task.ownerId);
      return { result: null, staleUsers: [userId, ...taskOwners], staleProjects: [projectId] };
    });
    return null;
  }

  /**
   * One transaction (the change and its outbox rows commit together); then, before answering,
   * wakes the relay and makes the affected cached lists stale.
   */
  private async write<T>(work: (db: EntityManager) => Promise<ProjectWrite<T>>): Promise<T> {
    const outcome = await this.projects.transaction(work, currentDeadline());
    this.outbox.notify();
    if (outcome.staleUsers.length > 0 || outcome.staleProjects.length > 0) await this.listCache.invalidate(outcome.staleUsers, outcome.staleProjects);
    return outcome.result;
  }

  private record(db: EntityManager, actor: Actor, input: Omit<ProjectEventInput, 'actorId' | 'requestId'>): Promise<void> {
    return this.projects.insertOutbox(db, buildProjectEvent({ ...input, actorId: actor.id, requestId: currentRequestId() ?? null }));
  }

  private visible(found: ProjectWithRole | null, actor: Actor): ProjectWithRole & { access: ProjectAccess } {
    const access = found ? projectAccessOf(actor, found.role) : 'none';
    if (!found || access === 'none') throw projectNotFound();
    return { ...found, access };
  }

  private managed(found: ProjectWithRole | null, actor: Actor, action: string): ProjectWithRole & { access: ProjectAccess } {
    const seen = this.visible(found, actor);
    if (!atLeast(seen.access, 'manager')) throw managersOnly(action);
    return seen;
  }
}
