import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ListPosition } from '../tasks/list-query.js';
import type { CommentRow } from './comment.entity.js';

const COLUMNS = 'id, task_id, author_id, body, mention_ids, created_at, updated_at, edited_at';

export interface ListedComment extends CommentRow {
  /** created_at as PostgreSQL prints it (microseconds): the cursor's position. */
  position: string;
}

/** Persistence of comments; writes take the transaction's EntityManager (with their outbox row). */
@Injectable()
export class CommentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One writer per task at a time (a transaction-scoped advisory lock), and `created_at`
   * taken after it: comments of a task commit in `created_at` order, so a reader paging
   * oldest-first never finds an older comment appear behind its cursor.
   */
  async insert(db: EntityManager, comment: { taskId: string; authorId: string; body: string; mentionIds: string[] }): Promise<CommentRow> {
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended('task_comments:' || $1, 0))", [comment.taskId]);
    const rows = (await db.query(
      `INSERT INTO task_comments (task_id, author_id, body, mention_ids, created_at, updated_at)
       VALUES ($1, $2, $3, $4::uuid[], clock_timestamp(), clock_timestamp()) RETURNING ${COLUMNS}`,
      [comment.taskId, comment.authorId, comment.body, comment.mentionIds],
    )) as CommentRow[];
    return rows[0]!;
  }

  /** `lock` holds the row for the rest of the transaction (edit, delete). */
  async find(db: EntityManager, taskId: string, commentId: string, lock = false): Promise<CommentRow | null> {
    const rows = (await db.query(`SELECT ${COLUMNS} FROM task_comments WHERE id = $1 AND task_id = $2${lock ? ' FOR UPDATE' : ''}`, [commentId, taskId])) as CommentRow[];
    return rows[0] ?? null;
  }

  async update(db: EntityManager, commentId: string, body: string, mentionIds: string[]): Promise<CommentRow> {
    const [rows] = (await db.query(
      `UPDATE task_comments SET body = $2, mention_ids = $3::uuid[], updated_at = clock_timestamp(), edited_at = clock_timestamp()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [commentId, body, mentionIds],
    )) as [CommentRow[], number];
    return rows[0]!;
  }

  async delete(db: EntityManager, commentId: string): Promise<void> {
    await db.query('DELETE FROM task_comments WHERE id = $1', [commentId]);
  }

  /** Oldest first, after `after` (exclusive), `limit` rows. */
  async list(taskId: string, after: ListPosition | undefined, limit: number): Promise<ListedComment[]> {
    const params: unknown[] = [taskId, limit];
    let where = 'task_id = $1';
    if (after) {
      params.push(after.value, after.id);
      where += ' AND (created_at, id) > ($3::timestamptz, $4::uuid)';
    }
    return (await this.dataSource.query(
      `SELECT ${COLUMNS}, created_at::text AS position FROM task_comments WHERE ${where} ORDER BY created_at, id LIMIT $2`,
      params,
    )) as ListedComment[];
  }
}
