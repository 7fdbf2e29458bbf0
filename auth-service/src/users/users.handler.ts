import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthContract, ChangeRoleRequest, FindUsersRequest, SearchUsersQuery, type Actor } from '#contracts';
import { Caller, Handles, ServiceCall } from '#nats';
import { UsersService } from './users.service.js';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @Handles(AuthContract.searchUsers)
  search(@Payload() request: SearchUsersQuery) {
    return this.users.search(request);
  }

  @Handles(AuthContract.changeRole)
  changeRole(@Payload() request: ChangeRoleRequest, @Caller() actor: Actor) {
    return this.users.changeRole(actor, request);
  }

  /** Asked by tasks-service for itself (before an assignment), not for a user. */
  @ServiceCall()
  @Handles(AuthContract.findUsers)
  find(@Payload() request: FindUsersRequest) {
    return this.users.find(request.ids, request.role);
  }
}
