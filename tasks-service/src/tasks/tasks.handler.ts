import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AssignRequest, CreateTaskRequest, ListTasksQuery, TaskRequest, TasksContract, UnassignRequest, UpdateTaskRequest, type Actor } from '#contracts';
import { Caller } from '#nats';
import { TasksService } from './tasks.service.js';

@Controller()
export class TasksHandler {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern(TasksContract.create.subject)
  create(@Caller() actor: Actor, @Payload() request: CreateTaskRequest) {
    return this.tasks.create(actor, request);
  }

  @MessagePattern(TasksContract.get.subject)
  get(@Caller() actor: Actor, @Payload() request: TaskRequest) {
    return this.tasks.get(actor, request);
  }

  @MessagePattern(TasksContract.update.subject)
  update(@Caller() actor: Actor, @Payload() request: UpdateTaskRequest) {
    return this.tasks.update(actor, request);
  }

  @MessagePattern(TasksContract.delete.subject)
  delete(@Caller() actor: Actor, @Payload() request: TaskRequest) {
    return this.tasks.delete(actor, request);
  }

  @MessagePattern(TasksContract.assign.subject)
  assign(@Caller() actor: Actor, @Payload() request: AssignRequest) {
    return this.tasks.assign(actor, request);
  }

  @MessagePattern(TasksContract.unassign.subject)
  unassign(@Caller() actor: Actor, @Payload() request: UnassignRequest) {
    return this.tasks.unassign(actor, request);
  }

  @MessagePattern(TasksContract.list.subject)
  list(@Caller() actor: Actor, @Payload() request: ListTasksQuery) {
    return this.tasks.list(actor, request);
  }

  @MessagePattern(TasksContract.collaborators.subject)
  collaborators(@Caller() actor: Actor) {
    return this.tasks.collaborators(actor);
  }
}
