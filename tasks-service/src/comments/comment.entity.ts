import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CommentDto } from '#contracts';

/** A comment as stored (queries are explicit SQL in CommentsRepository; the entity documents the table). */
@Entity({ name: 'task_comments' })
export class CommentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'mention_ids', type: 'uuid', array: true })
  mentionIds!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;
}

export interface CommentRow {
  id: string;
  task_id: string;
  author_id: string;
  body: string;
  mention_ids: string[];
  created_at: Date;
  updated_at: Date;
  edited_at: Date | null;
}

export function toCommentDto(row: CommentRow): CommentDto {
  return {
    id: row.id,
    taskId: row.task_id,
    authorId: row.author_id,
    body: row.body,
    mentionIds: [...row.mention_ids],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    editedAt: row.edited_at ? row.edited_at.toISOString() : null,
  };
}
