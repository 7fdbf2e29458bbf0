import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthContract, ChangeRoleRequest, FindUsersRequest, SearchUsersQuery, type Actor } from '#contracts';
import { Caller, ServiceCall } from '#nats';
import { UsersService } from './users.service.js';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(AuthContract.searchUsers.subject)
  search(@Payload() request: SearchUsersQuery) {
    return this.users.search(request);
  }

  @MessagePattern(AuthContract.changeRole.subject)
  changeRole(@Caller() actor: Actor, @Payload() request: ChangeRoleRequest) {
    return this.users.changeRole(actor, request);
  }

  /** Asked by tasks-service for itself (before an assignment), not for a user. */
  @ServiceCall()
  @MessagePattern(AuthContract.findUsers.subject)
  find(@Payload() request: FindUsersRequest) {
    return this.users.find(request.ids);
  }
}
