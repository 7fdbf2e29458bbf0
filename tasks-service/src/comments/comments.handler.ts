import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CommentRequest, CommentsContract, CreateCommentRequest, ListCommentsRequest, UpdateCommentRequest, type Actor } from '#contracts';
import { Caller, Handles } from '#nats';
import { CommentsService } from './comments.service.js';

@Controller()
export class CommentsHandler {
  constructor(private readonly comments: CommentsService) {}

  @Handles(CommentsContract.create)
  create(@Payload() request: CreateCommentRequest, @Caller() actor: Actor) {
    return this.comments.create(actor, request);
  }

  @Handles(CommentsContract.list)
  list(@Payload() request: ListCommentsRequest, @Caller() actor: Actor) {
    return this.comments.list(actor, request);
  }

  @Handles(CommentsContract.update)
  update(@Payload() request: UpdateCommentRequest, @Caller() actor: Actor) {
    return this.comments.update(actor, request);
  }

  @Handles(CommentsContract.delete)
  delete(@Payload() request: CommentRequest, @Caller() actor: Actor) {
    return this.comments.delete(actor, request);
  }
}
