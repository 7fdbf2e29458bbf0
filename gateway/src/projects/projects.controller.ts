import { NatsRpcClient } from '#nats';
import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiProperty,
  CreateProjectBody,
  ErrorResponseDto,
  ListProjectsQuery,
  PageQuery,
  ProjectDto,
  ProjectMemberDto,
  ProjectMemberPageDto,
  ProjectPageDto,
  ProjectsContract,
  SetMemberBody,
  UpdateProjectBody,
} from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { resolveVersion, versionedChange, withEtag } from '../http/entity-version.js';

/** The 409 of a stale PATCH: the error shape plus the project as it is now. */
class ProjectConflictResponseDto extends ErrorResponseDto {
  @ApiProperty({ type: ProjectDto, description: 'The project as it is now; retry with its version' }) current!: ProjectDto;
}

const ETAG_HEADER = { ETag: { description: 'The project version, quoted (`"3"`): send it back as If-Match', schema: { type: 'string' } } };
const uuid = () => new ParseUUIDPipe();

@ApiTags('projects')
@ApiBearerAuth()
@ApiExtraModels(ProjectConflictResponseDto)
@Controller('projects')
export class ProjectsController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a project; the caller is its first manager' })
  @ApiCreatedResponse({ type: ProjectDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 413)
  async create(@Body() body: CreateProjectBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProjectDto> {
    return withEtag(reply, await this.nats.request(ProjectsContract.create, body));
  }

  @Get()
  @ApiOperation({ summary: "The caller's projects (admins: all), newest first, filtered by `q`, paged by cursor" })
  @ApiOkResponse({ type: ProjectPageDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListProjectsQuery): Promise<ProjectPageDto> {
    return this.nats.request(ProjectsContract.list, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One project; 404 if it does not exist or the caller is not a member' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ProjectDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 404)
  async get(@Param('id', uuid()) projectId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProjectDto> {
    return withEtag(reply, await this.nats.request(ProjectsContract.get, { projectId }));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a project against the version last read (managers and admins)',
    description:
      'The version comes from the body `version` or the If-Match header, as for tasks; neither: 428. A stale version gives 409 with the current project in `current`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read (its ETag), unless `version` is in the body' })
  @ApiOkResponse({ type: ProjectDto, headers: ETAG_HEADER })
  @ApiConflictResponse({ type: ProjectConflictResponseDto, description: 'Someone changed the project first; `current` is the project as it is now' })
  @ApiErrors(400, 401, 403, 404, 413, 428)
  async update(
    @Param('id', uuid()) projectId: string,
    @Body() body: UpdateProjectBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectDto> {
    const version = resolveVersion(body.version, ifMatch);
    return versionedChange(reply, this.nats.request(ProjectsContract.update, { ...body, version, projectId }));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a project and all its tasks, each with its task.deleted event (managers and admins)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404)
  async remove(@Param('id', uuid()) projectId: string): Promise<void> {
    await this.nats.request(ProjectsContract.delete, { projectId });
  }

  @Get(':id/members')
  @ApiOperation({ summary: "The project's members in the order they joined (any member, admins)" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ProjectMemberPageDto })
  @ApiErrors(400, 401, 404)
  members(@Param('id', uuid()) projectId: string, @Query() query: PageQuery): Promise<ProjectMemberPageDto> {
    return this.nats.request(ProjectsContract.members, { projectId, limit: query.limit, cursor: query.cursor });
  }

  @Put(':id/members/:userId')
  @ApiOperation({
    summary: 'Add a member or change their role (managers and admins)',
    description: 'Demoting the last manager is 409: a project always keeps one. An unknown user is 400.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: ProjectMemberDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The last manager cannot be demoted' })
  @ApiErrors(400, 401, 403, 404)
  setMember(@Param('id', uuid()) projectId: string, @Param('userId', uuid()) userId: string, @Body() body: SetMemberBody): Promise<ProjectMemberDto> {
    return this.nats.request(ProjectsContract.setMember, { projectId, userId, role: body.role });
  }

  @Delete(':id/members/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a member (managers and admins; any member may remove themself)',
    description: 'Removing the last manager is 409. The removed member is unassigned from the project tasks and stops seeing them at once.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The last manager cannot be removed' })
  @ApiErrors(400, 401, 403, 404)
  async removeMember(@Param('id', uuid()) projectId: string, @Param('userId', uuid()) userId: string): Promise<void> {
    await this.nats.request(ProjectsContract.removeMember, { projectId, userId });
  }
}

