import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ProjectRole } from '#contracts';
import { insertOutboxRow, type OutboxMessage } from '#outbox';
import { transactionWithin } from '../database/transaction.js';
import { TASKS_OUTBOX_TABLE } from '../outbox/task-events.outbox.js';
import type { TaskRecord } from '../tasks/task.entity.js';
import { COLUMNS as TASK_COLUMNS, taskFromRow, type TaskRow } from '../tasks/tasks.repository.js';
import { ProjectEntity, ProjectMemberEntity } from './project.entity.js';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  owner_id: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface MemberRow {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  added_at: Date;
}

const PROJECT_COLUMNS = 'p.id, p.name, p.description, p.owner_id, p.version, p.created_at, p.updated_at';

function toProject(row: ProjectRow): ProjectEntity {
  return Object.assign(new ProjectEntity(), {
    id: row.id,
    name: row.name,
    description: row.description,
    ownerId: row.owner_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toMember(row: MemberRow): ProjectMemberEntity {
  return Object.assign(new ProjectMemberEntity(), { projectId: row.project_id, userId: row.user_id, role: row.role, addedAt: row.added_at });
}

/** A project and the reader's role in it (null: not a member). */
export interface ProjectWithRole {
  project: ProjectEntity;
  role: ProjectRole | null;
}

/** Where the previous page ended: created_at as PostgreSQL prints it (or added_at), and the id. */
export interface PagePosition {
  value: string;
  id: string;
}

/**
 * Persistence of projects and memberships (and the project side of tasks: a project's
 * tasks when it is deleted or a member leaves). Writes take the transaction's EntityManager.
 */
@Injectable()
export class ProjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: EntityManager) => Promise<T>, deadline?: number): Promise<T> {
    return transactionWithin(this.dataSource, work, deadline);
  }

  async insert(db: EntityManager, project: { name: string; description: string; ownerId: string }): Promise<ProjectEntity> {
    const [row] = (await db.query(
      `INSERT INTO projects AS p (name, description, owner_id) VALUES ($1, $2, $3) RETURNING ${PROJECT_COLUMNS}`,
      [project.name, project.description, project.ownerId],
    )) as ProjectRow[];
    await db.query(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager')`, [row!.id, project.ownerId]);
    return toProject(row!);
  }

  /** The project and `userId`'s role; `lock` takes the project's row lock (member changes serialize on it). */
  async find(projectId: string, userId: string, db: EntityManager = this.dataSource.manager, lock = false): Promise<ProjectWithRole | null> {
    const rows = (await db.query(
      `SELECT ${PROJECT_COLUMNS}, m.role FROM projects p LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
        WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`,
      [projectId, userId],
    )) as (ProjectRow & { role: ProjectRole | null })[];
    const row = rows[0];
    return row ? { project: toProject(row), role: row.role } : null;
  }

  /** `userId`'s role in the project, or null (also when the project does not exist). */
  async roleOf(projectId: string, userId: string, db: EntityManager = this.dataSource.manager): Promise<ProjectRole | null> {
    const rows = (await db.query('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId])) as { role: ProjectRole }[];
    return rows[0]?.role ?? null;
  }

  async exists(projectId: string, db: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = (await db.query('SELECT 1 FROM projects WHERE id = $1', [projectId])) as unknown[];
    return rows.length > 0;
  }

  /** Every member's id (the audience of the project's events). */
  async memberIds(projectId: string, db: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = (await db.query('SELECT user_id FROM project_members WHERE project_id = $1 ORDER BY added_at, user_id', [projectId])) as { user_id: string }[];
    return rows.map((row) => row.user_id);
  }

  /** The ids of the projects a user is a member of (index-only on project_members_user_idx). */
  async projectIdsOf(userId: string): Promise<string[]> {
    const rows = (await this.dataSource.query('SELECT project_id FROM project_members WHERE user_id = $1 ORDER BY project_id', [userId])) as { project_id: string }[];
    return rows.map((row) => row.project_id);
  }

  /**
   * One page of projects, newest first: the user's (every project for `all`), matching `q`
   * (case-insensitive, in the name), after `after`, `limit` rows.
   */
  async list(userId: string, all: boolean, q: string | undefined, after: PagePosition | undefined, limit: number): Promise<(ProjectWithRole & { sortValue: string })[]> {
    const params: unknown[] = [userId];
    const filters: string[] = [];
    if (!all) filters.push('m.user_id IS NOT NULL');
    if (q) {
      params.push(`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      filters.push(`lower(p.name) LIKE $${params.length}`);
    }
    if (after) {
      params.push(after.value, after.id);
      filters.push(`(p.created_at, p.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    const join = all ? 'LEFT JOIN' : 'JOIN';
    const rows = (await this.dataSource.query(
      `SELECT ${PROJECT_COLUMNS}, m.role, p.created_at::text AS sort_value
         FROM projects p ${join} project_members m ON m.project_id = p.id AND m.user_id = $1
        ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}
        ORDER BY p.created_at DESC, p.id DESC LIMIT $${params.length}`,
      params,
    )) as (ProjectRow & { role: ProjectRole | null; sort_value: string })[];
    return rows.map((row) => ({ project: toProject(row), role: row.role, sortValue: row.sort_value }));
  }

  /** Optimistic update: null when the version moved on (or the project is gone). */
  async updateIfVersion(db: EntityManager, projectId: string, version: number, fields: { name?: string; description?: string }): Promise<ProjectEntity | null> {
    const params: unknown[] = [projectId, version];
    const sets = Object.entries(fields).map(([column, value]) => {
      params.push(value);
      return `${column} = $${params.length}`;
    });
    const [rows] = (await db.query(
      `UPDATE projects p SET ${[...sets, 'version = version + 1', 'updated_at = clock_timestamp()'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING ${PROJECT_COLUMNS}`,
      params,
    )) as [ProjectRow[], number];
    return rows[0] ? toProject(rows[0]) : null;
  }

  /** Members in the order they joined, after `after`, `limit` rows. */
  async members(projectId: string, after: PagePosition | undefined, limit: number): Promise<(ProjectMemberEntity & { sortValue: string })[]> {
    const params: unknown[] = [projectId];
    let where = 'project_id = $1';
    if (after) {
      params.push(after.value, after.id);
      where += ' AND (added_at, user_id) > ($2::timestamptz, $3::uuid)';
    }
    params.push(limit);
    const rows = (await this.dataSource.query(
      `SELECT project_id, user_id, role, added_at, added_at::text AS sort_value FROM project_members WHERE ${where}
        ORDER BY added_at, user_id LIMIT $${params.length}`,
      params,
    )) as (MemberRow & { sort_value: string })[];
    return rows.map((row) => Object.assign(toMember(row), { sortValue: row.sort_value }));
  }

  async member(db: EntityManager, projectId: string, userId: string): Promise<ProjectMemberEntity | null> {
    const rows = (await db.query('SELECT project_id, user_id, role, added_at FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId])) as MemberRow[];
    return rows[0] ? toMember(rows[0]) : null;
  }

  /** Adds the member or changes their role. */
  async upsertMember(db: EntityManager, projectId: string, userId: string, role: ProjectRole): Promise<ProjectMemberEntity> {
    const [row] = (await db.query(
      `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role
       RETURNING project_id, user_id, role, added_at`,
      [projectId, userId, role],
    )) as MemberRow[];
    return toMember(row!);
  }

  async removeMember(db: EntityManager, projectId: string, userId: string): Promise<void> {
    await db.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
  }

  async countManagers(db: EntityManager, projectId: string): Promise<number> {
    const [row] = (await db.query(`SELECT count(*)::int AS n FROM project_members WHERE project_id = $1 AND role = 'manager'`, [projectId])) as { n: number }[];
    return row!.n;
  }

  /** Which of these users are members of the project. */
  async membersAmong(projectId: string, userIds: readonly string[], db: EntityManager = this.dataSource.manager): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await db.query('SELECT user_id FROM project_members WHERE project_id = $1 AND user_id = ANY($2::uuid[])', [projectId, userIds])) as { user_id: string }[];
    return rows.map((row) => row.user_id);
  }

  /** The project's tasks with their assignees, locked (before they are deleted). */
  async lockTasksOf(db: EntityManager, projectId: string): Promise<TaskRecord[]> {
    const rows = (await db.query(`SELECT ${TASK_COLUMNS} FROM tasks WHERE project_id = $1 ORDER BY created_at, id FOR UPDATE`, [projectId])) as TaskRow[];
    return this.withAssignees(db, rows);
  }

  /** Deletes the project's tasks (assignments cascade), then the project (members cascade). */
  async deleteWithTasks(db: EntityManager, projectId: string): Promise<void> {
    await db.query('DELETE FROM tasks WHERE project_id = $1', [projectId]);
    await db.query('DELETE FROM projects WHERE id = $1', [projectId]);
  }

  /**
   * Unassigns the user from every task of the project (a member who leaves must stop seeing
   * them); each such task gets a new version. Returns the tasks after, and the user's ids.
   */
  async unassignFromProject(db: EntityManager, projectId: string, userId: string): Promise<TaskRecord[]> {
    const locked = (await db.query(
      `SELECT t.id FROM tasks t JOIN task_assignments a ON a.task_id = t.id AND a.user_id = $2 WHERE t.project_id = $1 FOR UPDATE OF t`,
      [projectId, userId],
    )) as { id: string }[];
    if (locked.length === 0) return [];
    const ids = locked.map((row) => row.id);
    await db.query('DELETE FROM task_assignments WHERE user_id = $1 AND task_id = ANY($2::uuid[])', [userId, ids]);
    const [rows] = (await db.query(
      `UPDATE tasks SET version = version + 1, updated_at = clock_timestamp() WHERE id = ANY($1::uuid[]) RETURNING ${TASK_COLUMNS}`,
      [ids],
    )) as [TaskRow[], number];
    return this.withAssignees(db, rows);
  }

  async insertOutbox(db: EntityManager, message: OutboxMessage): Promise<void> {
    await insertOutboxRow(db, TASKS_OUTBOX_TABLE, message);
  }

  private async withAssignees(db: EntityManager, rows: TaskRow[]): Promise<TaskRecord[]> {
    if (rows.length === 0) return [];
    const assignments = (await db.query(
      'SELECT task_id, user_id FROM task_assignments WHERE task_id = ANY($1::uuid[]) ORDER BY created_at, user_id',
      [rows.map((row) => row.id)],
    )) as { task_id: string; user_id: string }[];
    const assignees = new Map<string, string[]>();
    for (const { task_id, user_id } of assignments) assignees.set(task_id, [...(assignees.get(task_id) ?? []), user_id]);
    return rows.map((row) => ({ task: taskFromRow(row), assigneeIds: assignees.get(row.id) ?? [] }));
  }
}
