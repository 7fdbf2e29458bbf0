import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthContract, ChangeRoleRequest, FindUsersRequest, SearchUsersRequest } from '#contracts';
import { UsersService } from './users.service.js';

@Controller()
export class UsersHandler {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(AuthContract.searchUsers.subject)
  search(@Payload() request: SearchUsersRequest) {
    return this.users.search(request);
  }

  @MessagePattern(AuthContract.changeRole.subject)
  changeRole(@Payload() request: ChangeRoleRequest) {
    return this.users.changeRole(request);
  }

  @MessagePattern(AuthContract.findUsers.subject)
  find(@Payload() request: FindUsersRequest) {
    return this.users.find(request.ids);
  }
}
