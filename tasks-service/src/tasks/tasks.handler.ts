import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AssignRequest, CreateTaskRequest, ListTasksQuery, TaskRequest, TasksContract, UnassignRequest, UpdateTaskRequest, type Actor } from '#contracts';
import { Caller, Handles } from '#nats';
import { TasksService } from './tasks.service.js';

@Controller()
export class TasksHandler {
  constructor(private readonly tasks: TasksService) {}

  @Handles(TasksContract.create)
  create(@Payload() request: CreateTaskRequest, @Caller() actor: Actor) {
    return this.tasks.create(actor, request);
  }

  @Handles(TasksContract.get)
  get(@Payload() request: TaskRequest, @Caller() actor: Actor) {
    return this.tasks.get(actor, request);
  }

  @Handles(TasksContract.update)
  update(@Payload() request: UpdateTaskRequest, @Caller() actor: Actor) {
    return this.tasks.update(actor, request);
  }

  @Handles(TasksContract.delete)
  delete(@Payload() request: TaskRequest, @Caller() actor: Actor) {
    return this.tasks.delete(actor, request);
  }

  @Handles(TasksContract.assign)
  assign(@Payload() request: AssignRequest, @Caller() actor: Actor) {
    return this.tasks.assign(actor, request);
  }

  @Handles(TasksContract.unassign)
  unassign(@Payload() request: UnassignRequest, @Caller() actor: Actor) {
    return this.tasks.unassign(actor, request);
  }

  @Handles(TasksContract.list)
  list(@Payload() request: ListTasksQuery, @Caller() actor: Actor) {
    return this.tasks.list(actor, request);
  }

  @Handles(TasksContract.collaborators)
  collaborators(@Caller() actor: Actor) {
    return this.tasks.collaborators(actor);
  }
}
