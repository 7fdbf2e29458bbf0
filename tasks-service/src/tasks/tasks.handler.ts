import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ActorRequest, AssignRequest, CreateTaskRequest, ListTasksRequest, TaskRequest, TasksContract, UnassignRequest, UpdateTaskRequest } from '#contracts';
import { TasksService } from './tasks.service.js';

@Controller()
export class TasksHandler {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern(TasksContract.create.subject)
  create(@Payload() request: CreateTaskRequest) {
    return this.tasks.create(request);
  }

  @MessagePattern(TasksContract.get.subject)
  get(@Payload() request: TaskRequest) {
    return this.tasks.get(request);
  }

  @MessagePattern(TasksContract.update.subject)
  update(@Payload() request: UpdateTaskRequest) {
    return this.tasks.update(request);
  }

  @MessagePattern(TasksContract.delete.subject)
  delete(@Payload() request: TaskRequest) {
    return this.tasks.delete(request);
  }

  @MessagePattern(TasksContract.assign.subject)
  assign(@Payload() request: AssignRequest) {
    return this.tasks.assign(request);
  }

  @MessagePattern(TasksContract.unassign.subject)
  unassign(@Payload() request: UnassignRequest) {
    return this.tasks.unassign(request);
  }

  @MessagePattern(TasksContract.list.subject)
  list(@Payload() request: ListTasksRequest) {
    return this.tasks.list(request);
  }

  @MessagePattern(TasksContract.collaborators.subject)
  collaborators(@Payload() request: ActorRequest) {
    return this.tasks.collaborators(request.actor);
  }
}
