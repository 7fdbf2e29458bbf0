import { NatsRpcClient } from '#nats';
import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthContract, ChangeRoleBody, SearchUsersQuery, UserDto, UserPageDto } from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { Roles } from '../auth/auth.decorators.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Users whose name or email starts with q, for picking assignees' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors(400, 401)
  search(@Query() query: SearchUsersQuery): Promise<UserPageDto> {
    return this.nats.request(AuthContract.searchUsers, { q: query.q, limit: query.limit, cursor: query.cursor });
  }

  @Patch(':id/role')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's role (admins only)" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 401, 403, 404)
  changeRole(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ChangeRoleBody): Promise<UserDto> {
    return this.nats.request(AuthContract.changeRole, { userId: id, role: body.role });
  }
}
