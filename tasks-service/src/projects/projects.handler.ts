import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
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
import { Caller, Handles } from '#nats';
import { ProjectsService } from './projects.service.js';

@Controller()
export class ProjectsHandler {
  constructor(private readonly projects: ProjectsService) {}

  @Handles(ProjectsContract.create)
  create(@Payload() request: CreateProjectBody, @Caller() actor: Actor) {
    return this.projects.create(actor, request);
  }

  @Handles(ProjectsContract.list)
  list(@Payload() request: ListProjectsQuery, @Caller() actor: Actor) {
    return this.projects.list(actor, request);
  }

  @Handles(ProjectsContract.get)
  get(@Payload() request: ProjectRequest, @Caller() actor: Actor) {
    return this.projects.get(actor, request);
  }

  @Handles(ProjectsContract.update)
  update(@Payload() request: UpdateProjectRequest, @Caller() actor: Actor) {
    return this.projects.update(actor, request);
  }

  @Handles(ProjectsContract.delete)
  delete(@Payload() request: ProjectRequest, @Caller() actor: Actor) {
    return this.projects.delete(actor, request);
  }

  @Handles(ProjectsContract.members)
  members(@Payload() request: ListMembersRequest, @Caller() actor: Actor) {
    return this.projects.members(actor, request);
  }

  @Handles(ProjectsContract.setMember)
  setMember(@Payload() request: SetMemberRequest, @Caller() actor: Actor) {
    return this.projects.setMember(actor, request);
  }

  @Handles(ProjectsContract.removeMember)
  removeMember(@Payload() request: RemoveMemberRequest, @Caller() actor: Actor) {
    return this.projects.removeMember(actor, request);
  }
}
