import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, TaskDto, TaskPriority, TaskStatus } from '#contracts';
import { insertOutboxRow, type OutboxMessage } from '#outbox';
import { TASKS_OUTBOX_TABLE } from '../outbox/task-events.outbox.js';
import type { TaskFields } from './task.changes.js';
import { TaskEntity, type TaskRecord } from './task.entity.js';
import { rethrowBudgetTimeout, transactionWithin } from '../database/transaction.js';
import { buildListSql, TASK_COLUMNS, type ListPosition, type NormalizedListQuery } from './list-query.js';

export interface TaskRow {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  due_date: Date | null;
  owner_id: string;
  project_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ListedTask extends TaskRecord {
  sortValue: string;
}

/** How long a create's Idempotency-Key is remembered (README, OpenAPI: 24 h). */
export const IDEMPOTENCY_KEY_TTL_H = 24;

export const COLUMNS = TASK_COLUMNS.replace(/t\./g, '');
/** What an update may write: the task's own fields and its project. */
export type StoredFields = Partial<TaskFields> & { projectId?: string | null };

const FIELD_COLUMNS: Record<keyof StoredFields, string> = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  dueDate: 'due_date',
  projectId: 'project_id',
};

/**
 * The deadline ($13, epoch ms) as this transaction's `taskflow.deadline`, which the outbox
 * row's deferred trigger checks at commit (migration CheckDeadlineAtCommit). A CTE runs only
 * when referenced: the first insert selects FROM it.
 */
const DEADLINE_SETTING_CTE = `budget AS (SELECT set_config('taskflow.deadline', coalesce($13::float8::text, ''), true))`;

export function taskFromRow(row: TaskRow): TaskEntity {
  return Object.assign(new TaskEntity(), {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    dueDate: row.due_date,
    ownerId: row.owner_id,
    projectId: row.project_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * Persistence of tasks, assignments and outbox rows. Methods that write take the
 * transaction's EntityManager: a change and its outbox row always commit together.
 */
@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** See transactionWithin: a change and its outbox row commit together, within the deadline. */
  transaction<T>(work: (db: EntityManager) => Promise<T>, deadline?: number): Promise<T> {
    return transactionWithin(this.dataSource, work, deadline);
  }

  /**
   * The task and its assignees; `lock` takes the row lock for the rest of the transaction
   * (`'key share'`: only keeps the task from being deleted meanwhile, as a comment insert needs).
   */
  async find(id: string, db: EntityManager = this.dataSource.manager, lock: boolean | 'key share' = false): Promise<TaskRecord | null> {
    const clause = lock === 'key share' ? ' FOR KEY SHARE' : lock ? ' FOR UPDATE' : '';
    const rows = (await db.query(`SELECT ${COLUMNS} FROM tasks WHERE id = $1${clause}`, [id])) as TaskRow[];
    if (rows.length === 0) return null;
    return { task: taskFromRow(rows[0]!), assigneeIds: await this.assigneesOf(id, db) };
  }

  /** Owners and assignees of the tasks the user owns or is assigned to, and the members of their projects; the user excluded. */
  async collaboratorsOf(userId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `WITH shared AS (SELECT id FROM tasks WHERE owner_id = $1 UNION SELECT task_id FROM task_assignments WHERE user_id = $1)
       SELECT owner_id AS user_id FROM tasks WHERE id IN (SELECT id FROM shared)
       UNION
       SELECT user_id FROM task_assignments WHERE task_id IN (SELECT id FROM shared)
       UNION
       SELECT user_id FROM project_members WHERE project_id IN (SELECT project_id FROM project_members WHERE user_id = $1)`,
      [userId],
    )) as { user_id: string }[];
    return rows.map((row) => row.user_id).filter((id) => id !== userId);
  }

  async assigneesOf(taskId: string, db: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = (await db.query('SELECT user_id FROM task_assignments WHERE task_id = $1 ORDER BY created_at, user_id', [taskId])) as { user_id: string }[];
    return rows.map((row) => row.user_id);
  }

  /**
   * A new task and its event in one statement: both rows commit, or neither. Nothing is
   * inserted once `deadline` (epoch ms) has passed by the database's clock, and the commit is
   * refused if it comes later (the outbox row's deferred check of `taskflow.deadline`), so a
   * statement held up (a paused or restarting database) cannot commit a task for a client that
   * was already told it timed out. False, or TIMEOUT, when that happened.
   */
  async insertWithEvent(task: TaskDto, event: OutboxMessage, deadline?: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH ${DEADLINE_SETTING_CTE}, created AS (
         INSERT INTO tasks (id, title, description, status, priority, due_date, owner_id, version, created_at, updated_at, project_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $14 FROM budget
          WHERE $13::float8 IS NULL OR clock_timestamp() < to_timestamp($13::float8 / 1000)
         RETURNING id
       )
       INSERT INTO ${TASKS_OUTBOX_TABLE} (event_id, subject, payload) SELECT $10, $11, $12 FROM created RETURNING event_id`,
      [task.id, task.title, task.description, task.status, task.priority, task.dueDate, task.ownerId, task.version, task.createdAt, event.payload.eventId, event.subject, event.json, deadline ?? null, task.projectId],
    ).catch(rethrowBudgetTimeout)) as unknown[];
    return rows.length === 1;
  }

  /**
   * `insertWithEvent` under an idempotency key, still one statement: the key row, the task and
   * its event commit together or not at all. A live key of this user (younger than 24 h)
   * inserts nothing and is answered from its stored row; an expired one is taken over.
   * Concurrent requests with one key serialize on its primary key, so one task is created.
   */
  async insertWithEventOnce(
    task: TaskDto,
    event: OutboxMessage,
    idempotency: { key: string; fingerprint: Buffer },
    deadline?: number,
  ): Promise<{ created: true } | { created: false; earlier: { fingerprint: Buffer; response: TaskDto } | null }> {
    const rows = (await this.dataSource.query(
      `WITH ${DEADLINE_SETTING_CTE}, claimed AS (
         INSERT INTO idempotency_keys AS k (user_id, key, fingerprint, response, created_at)
         SELECT $7, $14, $15, $16, clock_timestamp() FROM budget
          WHERE $13::float8 IS NULL OR clock_timestamp() < to_timestamp($13::float8 / 1000)
         ON CONFLICT (user_id, key) DO UPDATE
            SET fingerprint = EXCLUDED.fingerprint, response = EXCLUDED.response, created_at = EXCLUDED.created_at
          WHERE k.created_at < clock_timestamp() - interval '${IDEMPOTENCY_KEY_TTL_H} hours'
         RETURNING 1
       ), created AS (
         INSERT INTO tasks (id, title, description, status, priority, due_date, owner_id, version, created_at, updated_at, project_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $17 FROM claimed
         RETURNING id
       )
       INSERT INTO ${TASKS_OUTBOX_TABLE} (event_id, subject, payload) SELECT $10, $11, $12 FROM created RETURNING event_id`,
      [
        task.id, task.title, task.description, task.status, task.priority, task.dueDate, task.ownerId, task.version, task.createdAt,
        event.payload.eventId, event.subject, event.json, deadline ?? null,
        idempotency.key, idempotency.fingerprint, JSON.stringify(task), task.projectId,
      ],
    ).catch(rethrowBudgetTimeout)) as unknown[];
    if (rows.length === 1) return { created: true };
    // Nothing inserted: the key is live (this user used it before), or the deadline passed.
    const [earlier] = (await this.dataSource.query(
      `SELECT fingerprint, response FROM idempotency_keys
        WHERE user_id = $1 AND key = $2 AND created_at >= clock_timestamp() - interval '${IDEMPOTENCY_KEY_TTL_H} hours'`,
      [task.ownerId, idempotency.key],
    )) as Array<{ fingerprint: Buffer; response: TaskDto }>;
    return { created: false, earlier: earlier ?? null };
  }

  /** Deletes keys past their lifetime; cheap (an index range), run now and then. */
  async deleteExpiredIdempotencyKeys(): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE created_at < clock_timestamp() - interval '${IDEMPOTENCY_KEY_TTL_H} hours'`,
    )) as [unknown, number];
    return count;
  }

  /** Optimistic update: null when the version moved on (or the task is gone). */
  async updateIfVersion(db: EntityManager, id: string, version: number, fields: StoredFields): Promise<TaskEntity | null> {
    const params: unknown[] = [id, version];
    const sets = Object.entries(fields).map(([field, value]) => {
      params.push(value);
      return `${FIELD_COLUMNS[field as keyof StoredFields]} = $${params.length}`;
    });
    const [rows] = (await db.query(
      `UPDATE tasks SET ${[...sets, 'version = version + 1', 'updated_at = clock_timestamp()'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
      params,
    )) as [TaskRow[], number];
    return rows.length > 0 ? taskFromRow(rows[0]!) : null;
  }

  /** For assignment changes: the task (locked by the caller) gets a new version. */
  async bumpVersion(db: EntityManager, id: string): Promise<TaskEntity> {
    const [rows] = (await db.query(
      `UPDATE tasks SET version = version + 1, updated_at = clock_timestamp() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    )) as [TaskRow[], number];
    return taskFromRow(rows[0]!);
  }

  async delete(db: EntityManager, id: string): Promise<void> {
    await db.query('DELETE FROM tasks WHERE id = $1', [id]);
  }

  /** False when the user was already assigned. */
  async addAssignee(db: EntityManager, taskId: string, userId: string): Promise<boolean> {
    const rows = (await db.query(
      'INSERT INTO task_assignments (task_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id',
      [taskId, userId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** False when the user was not assigned. */
  async removeAssignee(db: EntityManager, taskId: string, userId: string): Promise<boolean> {
    const [rows] = (await db.query('DELETE FROM task_assignments WHERE task_id = $1 AND user_id = $2 RETURNING user_id', [taskId, userId])) as [
      unknown[],
      number,
    ];
    return rows.length > 0;
  }

  async insertOutbox(db: EntityManager, message: OutboxMessage): Promise<void> {
    await insertOutboxRow(db, TASKS_OUTBOX_TABLE, message);
  }

  /** One page (plus one row, if `limit` asks for it) of the tasks the actor may see. */
  async list(query: NormalizedListQuery, actor: Actor, after: ListPosition | undefined, limit: number): Promise<ListedTask[]> {
    const { sql, params } = buildListSql(query, actor, after, limit);
    const rows = (await this.dataSource.query(sql, params)) as (TaskRow & { sort_value: string })[];
    if (rows.length === 0) return [];
    const assignments = (await this.dataSource.query(
      'SELECT task_id, user_id FROM task_assignments WHERE task_id = ANY($1::uuid[]) ORDER BY created_at, user_id',
      [rows.map((row) => row.id)],
    )) as { task_id: string; user_id: string }[];
    const assignees = new Map<string, string[]>();
    for (const { task_id, user_id } of assignments) assignees.set(task_id, [...(assignees.get(task_id) ?? []), user_id]);
    return rows.map((row) => ({ task: taskFromRow(row), assigneeIds: assignees.get(row.id) ?? [], sortValue: row.sort_value }));
  }
}
