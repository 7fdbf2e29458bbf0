import { NatsRpcClient } from '#nats';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CommentDto, CommentPageDto, CommentsContract, CreateCommentBody, PageQuery, UpdateCommentBody } from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';

const uuid = () => new ParseUUIDPipe();

@ApiTags('comments')
@ApiBearerAuth()
@Controller('tasks/:id/comments')
@ApiParam({ name: 'id', format: 'uuid', description: 'The task' })
export class CommentsController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Post()
  @ApiOperation({
    summary: 'Comment on a task (anyone who can see it, except viewers of its project: 403)',
    description: 'The body is stored exactly as sent and never rendered. `mentionIds` must be users who can see the task (400 otherwise); each gets a `comment.mentioned` notification.',
  })
  @ApiCreatedResponse({ type: CommentDto })
  @ApiErrors(400, 401, 403, 404, 413)
  create(@Param('id', uuid()) taskId: string, @Body() body: CreateCommentBody): Promise<CommentDto> {
    return this.nats.request(CommentsContract.create, { ...body, taskId });
  }

  @Get()
  @ApiOperation({ summary: "The task's comments, oldest first, paged by cursor (anyone who can see the task)" })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiErrors(400, 401, 404)
  list(@Param('id', uuid()) taskId: string, @Query() query: PageQuery): Promise<CommentPageDto> {
    return this.nats.request(CommentsContract.list, { taskId, limit: query.limit, cursor: query.cursor });
  }

  @Patch(':commentId')
  @ApiOperation({
    summary: 'Edit a comment (its author only: 403 otherwise); sets `editedAt`',
    description: '`mentionIds` absent keeps the mentions; only users not mentioned before are notified.',
  })
  @ApiParam({ name: 'commentId', format: 'uuid' })
  @ApiOkResponse({ type: CommentDto })
  @ApiErrors(400, 401, 403, 404, 413)
  update(@Param('id', uuid()) taskId: string, @Param('commentId', uuid()) commentId: string, @Body() body: UpdateCommentBody): Promise<CommentDto> {
    return this.nats.request(CommentsContract.update, { ...body, taskId, commentId });
  }

  @Delete(':commentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete a comment (its author, the task's owner, a manager of its project, an admin)" })
  @ApiParam({ name: 'commentId', format: 'uuid' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404)
  async remove(@Param('id', uuid()) taskId: string, @Param('commentId', uuid()) commentId: string): Promise<void> {
    await this.nats.request(CommentsContract.delete, { taskId, commentId });
  }
}
