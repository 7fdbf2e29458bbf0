import { NatsRpcClient } from '#nats';
import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
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
  EventLogPageDto,
  AssignBody,
  CreateTaskBody,
  ErrorResponseDto,
  EventsContract,
  ListTasksQuery,
  PageQuery,
  TaskDto,
  TaskPageDto,
  TasksContract,
  UpdateTaskBody,
} from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { parseIdempotencyKey } from './idempotency-key.js';
import { resolveVersion, versionedChange, withEtag } from '../http/entity-version.js';

/** The 409 of a stale PATCH: the error shape plus the task as it is now, to merge and retry. */
class TaskConflictResponseDto extends ErrorResponseDto {
  @ApiProperty({ type: TaskDto, description: 'The task as it is now; retry with its version' }) current!: TaskDto;
}

const ETAG_HEADER = { ETag: { description: 'The task version, quoted (`"3"`): send it back as If-Match', schema: { type: 'string' } } };
const uuid = () => new ParseUUIDPipe();

@ApiTags('tasks')
@ApiBearerAuth()
@ApiExtraModels(TaskConflictResponseDto)
@Controller('tasks')
export class TasksController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a task owned by the caller' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes a retry safe: 1-200 visible ASCII characters, unique per create (e.g. a UUID), kept per user for 24 h. ' +
      'A retry with the same key and body answers 201 with the task the first request created; the same key with a different body is 409.',
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
  })
  @ApiCreatedResponse({ type: TaskDto, headers: ETAG_HEADER })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The Idempotency-Key was already used with a different body' })
  @ApiErrors(400, 401, 413)
  async create(
    @Body() body: CreateTaskBody,
    @Headers('idempotency-key') idempotencyKeyHeader: string | string[] | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDto> {
    const idempotencyKey = parseIdempotencyKey(idempotencyKeyHeader);
    const request = idempotencyKey === undefined ? body : { ...body, idempotencyKey };
    return withEtag(reply, await this.nats.request(TasksContract.create, request));
  }

  @Get()
  @ApiOperation({ summary: 'Tasks the caller can see (owner, assignee, project member; admins: all), filtered, sorted and paged by cursor' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiErrors(400, 401)
  list(@Query() query: ListTasksQuery): Promise<TaskPageDto> {
    return this.nats.request(TasksContract.list, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One task; 404 if it does not exist or the caller may not see it' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TaskDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 404)
  async get(@Param('id', uuid()) taskId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<TaskDto> {
    return withEtag(reply, await this.nats.request(TasksContract.get, { taskId }));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a task against the version last read',
    description:
      'The version comes from the body `version` or the If-Match header (`"3"`, `3` or `W/"3"`); both may be sent if equal (different: 400); ' +
      'neither: 428 Precondition Required. A stale version gives 409 with the current task in `current`. ' +
      'Owners, editors and managers of its project and admins change every field; assignees change `status` only (other fields: 403); ' +
      'other viewers of its project: 403. `projectId` moves the task (editor of both projects; null takes it out).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read (its ETag), unless `version` is in the body' })
  @ApiOkResponse({ type: TaskDto, headers: ETAG_HEADER })
  @ApiConflictResponse({ type: TaskConflictResponseDto, description: 'Someone changed the task first; `current` is the task as it is now' })
  @ApiErrors(400, 401, 403, 404, 413, 428)
  async update(
    @Param('id', uuid()) taskId: string,
    @Body() body: UpdateTaskBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDto> {
    const version = resolveVersion(body.version, ifMatch);
    return versionedChange(reply, this.nats.request(TasksContract.update, { ...body, version, taskId }));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a task (owner, manager of its project, admin)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404)
  async remove(@Param('id', uuid()) taskId: string): Promise<void> {
    await this.nats.request(TasksContract.delete, { taskId });
  }

  @Post(':id/assignees')
  @ApiOperation({ summary: 'Assign a user to the task (owner, editor or manager of its project, admin); a project task takes members only' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: TaskDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404)
  async assign(
    @Param('id', uuid()) taskId: string,
    @Body() body: AssignBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDto> {
    return withEtag(reply, await this.nats.request(TasksContract.assign, { taskId, userId: body.userId }));
  }

  @Delete(':id/assignees/:userId')
  @ApiOperation({ summary: 'Unassign a user from the task (owner, editor or manager of its project, admin)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: TaskDto, headers: ETAG_HEADER })
  @ApiErrors(400, 401, 403, 404)
  async unassign(
    @Param('id', uuid()) taskId: string,
    @Param('userId', uuid()) userId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TaskDto> {
    return withEtag(reply, await this.nats.request(TasksContract.unassign, { taskId, userId }));
  }

  @Get(':id/activity')
  @ApiOperation({
    summary: "The task's event log, newest first",
    description: 'Visibility is checked with tasks-service first (404 for outsiders); the log comes from events-service (503 while it is not running).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: EventLogPageDto })
  @ApiErrors(400, 401, 404)
  async activity(@Param('id', uuid()) taskId: string, @Query() query: PageQuery): Promise<EventLogPageDto> {
    await this.nats.request(TasksContract.get, { taskId });
    return this.nats.request(EventsContract.taskActivity, { taskId, limit: query.limit, cursor: query.cursor });
  }
}

