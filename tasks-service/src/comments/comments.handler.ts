import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CommentRequest, CommentsContract, CreateCommentRequest, ListCommentsRequest, UpdateCommentRequest, type Actor } from '#contracts';
import { Caller } from '#nats';
import { CommentsService } from './comments.service.js';

@Controller()
export class CommentsHandler {
  constructor(private readonly comments: CommentsService) {}

  @MessagePattern(CommentsContract.create.subject)
  create(@Caller() actor: Actor, @Payload() request: CreateCommentRequest) {
    return this.comments.create(actor, request);
  }

  @MessagePattern(CommentsContract.list.subject)
  list(@Caller() actor: Actor, @Payload() request: ListCommentsRequest) {
    return this.comments.list(actor, request);
  }

  @MessagePattern(CommentsContract.update.subject)
  update(@Caller() actor: Actor, @Payload() request: UpdateCommentRequest) {
    return this.comments.update(actor, request);
  }

  @MessagePattern(CommentsContract.delete.subject)
  delete(@Caller() actor: Actor, @Payload() request: CommentRequest) {
    return this.comments.delete(actor, request);
  }
}
