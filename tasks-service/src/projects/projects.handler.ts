import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateProjectBody,
  ListMembersRequest,
  ListProjectsQuery,
  ProjectRequest,
  ProjectsContract,
  RemoveMemberRequest,
  SetMemberRequest,
  UpdateProjectRequest,
  type Actor,
} from '#contracts';
import { Caller } from '#nats';
import { ProjectsService } from './projects.service.js';

@Controller()
export class ProjectsHandler {
  constructor(private readonly projects: ProjectsService) {}

  @MessagePattern(ProjectsContract.create.subject)
  create(@Caller() actor: Actor, @Payload() request: CreateProjectBody) {
    return this.projects.create(actor, request);
  }

  @MessagePattern(ProjectsContract.list.subject)
  list(@Caller() actor: Actor, @Payload() request: ListProjectsQuery) {
    return this.projects.list(actor, request);
  }

  @MessagePattern(ProjectsContract.get.subject)
  get(@Caller() actor: Actor, @Payload() request: ProjectRequest) {
    return this.projects.get(actor, request);
  }

  @MessagePattern(ProjectsContract.update.subject)
  update(@Caller() actor: Actor, @Payload() request: UpdateProjectRequest) {
    return this.projects.update(actor, request);
  }

  @MessagePattern(ProjectsContract.delete.subject)
  delete(@Caller() actor: Actor, @Payload() request: ProjectRequest) {
    return this.projects.delete(actor, request);
  }

  @MessagePattern(ProjectsContract.members.subject)
  members(@Caller() actor: Actor, @Payload() request: ListMembersRequest) {
    return this.projects.members(actor, request);
  }

  @MessagePattern(ProjectsContract.setMember.subject)
  setMember(@Caller() actor: Actor, @Payload() request: SetMemberRequest) {
    return this.projects.setMember(actor, request);
  }

  @MessagePattern(ProjectsContract.removeMember.subject)
  removeMember(@Caller() actor: Actor, @Payload() request: RemoveMemberRequest) {
    return this.projects.removeMember(actor, request);
  }
}
