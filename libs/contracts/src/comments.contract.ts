import { ApiProperty, ApiPropertyOptional } from './openapi.js';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery, type Page } from './common.js';
import { defineRequest } from './define.js';
import { SafeText } from './safe-text.js';
import { TASK_EVENTS_SUBJECT_PREFIX } from './tasks.contract.js';

export const COMMENT_BODY_MAX = 5_000;
/** More mentions than this in one comment is not a conversation; it is a broadcast. */
export const COMMENT_MENTIONS_MAX = 50;

export class CommentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ minLength: 1, maxLength: COMMENT_BODY_MAX, description: 'Stored exactly as sent; never rendered by the server' }) body!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) mentionIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the author last edited it (null: never)' }) editedAt!: string | null;
}

export class CommentPageDto implements Page<CommentDto> {
  @ApiProperty({ type: [CommentDto] }) items!: CommentDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** The body is not trimmed nor sanitised: it is stored as sent and only ever returned as JSON. */
export class CreateCommentBody {
  @ApiProperty({ minLength: 1, maxLength: COMMENT_BODY_MAX })
  @IsString()
  @SafeText()
  @Length(1, COMMENT_BODY_MAX)
  body!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: COMMENT_MENTIONS_MAX, description: 'Users who can see the task (400 otherwise)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COMMENT_MENTIONS_MAX)
  @IsUUID(undefined, { each: true })
  mentionIds?: string[];
}

/** PATCH: the new body, and optionally the new mentions (absent: unchanged). */
export class UpdateCommentBody extends CreateCommentBody {}

export class CreateCommentRequest extends CreateCommentBody {
  @IsUUID()
  taskId!: string;
}

export class ListCommentsRequest extends PageQuery {
  @IsUUID()
  taskId!: string;
}

export class CommentRequest {
  @IsUUID()
  taskId!: string;

  @IsUUID()
  commentId!: string;
}

export class UpdateCommentRequest extends CreateCommentBody {
  @IsUUID()
  taskId!: string;

  @IsUUID()
  commentId!: string;
}

// ---- Events -------------------------------------------------------------------------

export const COMMENT_EVENT_TYPES = ['task.commented', 'task.comment_edited', 'task.comment_deleted'] as const;
export type CommentEventType = (typeof COMMENT_EVENT_TYPES)[number];

/** Comment events travel with the task's events: `task.commented` → `tasks.events.commented`. */
export function commentEventSubject(type: CommentEventType): string {
  return `${TASK_EVENTS_SUBJECT_PREFIX}.${type.slice('task.'.length)}`;
}

export const CommentsContract = {
  create: defineRequest('tasks.comments-create', CreateCommentRequest).returns<CommentDto>(),
  list: defineRequest('tasks.comments-list', ListCommentsRequest).returns<Page<CommentDto>>(),
  update: defineRequest('tasks.comments-update', UpdateCommentRequest).returns<CommentDto>(),
  delete: defineRequest('tasks.comments-delete', CommentRequest).returns<null>(),
} as const;
