import { ApiProperty, ApiPropertyOptional, PickType } from './openapi.js';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { PageQuery, type Page } from './common.js';
import { defineRequest } from './define.js';
import { SafeText } from './safe-text.js';
import { TASK_EVENTS_SUBJECT_PREFIX } from './tasks.contract.js';

export const PROJECT_ROLES = ['viewer', 'editor', 'manager'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export const PROJECT_NAME_MAX = 100;
export const PROJECT_DESCRIPTION_MAX = 2_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ProjectDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ minLength: 1, maxLength: PROJECT_NAME_MAX }) name!: string;
  @ApiProperty({ maxLength: PROJECT_DESCRIPTION_MAX }) description!: string;
  @ApiProperty({ format: 'uuid', description: 'Who created it' }) ownerId!: string;
  @ApiProperty({ enum: PROJECT_ROLES, description: "The caller's role (admins who are not members: manager)" }) myRole!: ProjectRole;
  @ApiProperty({ minimum: 1, description: 'Send it back on PATCH (body or If-Match) for optimistic concurrency' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** A project as events carry it: the same for every reader, so without `myRole`. */
export type ProjectSnapshot = Omit<ProjectDto, 'myRole'>;

export class ProjectPageDto implements Page<ProjectDto> {
  @ApiProperty({ type: [ProjectDto] }) items!: ProjectDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ProjectMemberDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: PROJECT_ROLES }) role!: ProjectRole;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class ProjectMemberPageDto implements Page<ProjectMemberDto> {
  @ApiProperty({ type: [ProjectMemberDto] }) items!: ProjectMemberDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CreateProjectBody {
  @ApiProperty({ minLength: 1, maxLength: PROJECT_NAME_MAX })
  @Transform(trim)
  @IsString()
  @SafeText()
  @Length(1, PROJECT_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({ maxLength: PROJECT_DESCRIPTION_MAX, default: '' })
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(PROJECT_DESCRIPTION_MAX)
  description?: string;
}

/** Fields that may change (each optional). */
export class ProjectChanges {
  @ApiPropertyOptional({ minLength: 1, maxLength: PROJECT_NAME_MAX })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SafeText()
  @Length(1, PROJECT_NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ maxLength: PROJECT_DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(PROJECT_DESCRIPTION_MAX)
  description?: string;
}

/** PATCH /projects/:id: the changes and the version last read, here or in `If-Match` (neither: 428 at the gateway). */
export class UpdateProjectBody extends ProjectChanges {
  @ApiPropertyOptional({ minimum: 1, description: 'The version last read; required here or as If-Match' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export const PROJECT_CHANGEABLE_FIELDS = ['name', 'description'] as const;
export type ProjectChangeableField = (typeof PROJECT_CHANGEABLE_FIELDS)[number];

export class ListProjectsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive text in the name', maxLength: 100 })
  @IsOptional()
  @IsString()
  @SafeText()
  @Length(1, PROJECT_NAME_MAX)
  q?: string;
}

export class SetMemberBody {
  @ApiProperty({ enum: PROJECT_ROLES })
  @IsIn(PROJECT_ROLES)
  role!: ProjectRole;
}

export class ProjectRequest {
  @IsUUID()
  projectId!: string;
}

/** tasks.projects-update: the version is required here, whichever way the HTTP client sent it. */
export class UpdateProjectRequest extends ProjectChanges {
  @IsInt()
  @Min(1)
  version!: number;

  @IsUUID()
  projectId!: string;
}

export class ListMembersRequest extends PageQuery {
  @IsUUID()
  projectId!: string;
}

export class SetMemberRequest extends SetMemberBody {
  @IsUUID()
  projectId!: string;

  @IsUUID()
  userId!: string;
}

export class RemoveMemberRequest extends PickType(SetMemberRequest, ['projectId', 'userId'] as const) {}

/** A version conflict (409) carries the project as it is now in `details`. */
export type ProjectConflictDetails = { current: ProjectDto };

// ---- Events -------------------------------------------------------------------------

export const PROJECT_EVENT_TYPES = [
  'project.created',
  'project.updated',
  'project.deleted',
  'project.member_added',
  'project.member_removed',
  'project.member_role_changed',
] as const;
export type ProjectEventType = (typeof PROJECT_EVENT_TYPES)[number];

/**
 * Project events travel in the task stream (TASK_EVENTS, widened to this prefix), so one
 * durable consumer sees task and project events in the order they were written.
 */
export const PROJECT_EVENTS_SUBJECT_PREFIX = 'projects.events';
/** Every subject of the TASK_EVENTS stream: task events, then project events. */
export const TASK_EVENTS_STREAM_SUBJECTS = [`${TASK_EVENTS_SUBJECT_PREFIX}.>`, `${PROJECT_EVENTS_SUBJECT_PREFIX}.>`] as const;
/** `project.member_added` → `projects.events.member_added`. */
export function projectEventSubject(type: ProjectEventType): string {
  return `${PROJECT_EVENTS_SUBJECT_PREFIX}.${type.slice('project.'.length)}`;
}

export const ProjectsContract = {
  create: defineRequest('tasks.projects-create', CreateProjectBody).returns<ProjectDto>(),
  list: defineRequest('tasks.projects-list', ListProjectsQuery).returns<Page<ProjectDto>>(),
  get: defineRequest('tasks.projects-get', ProjectRequest).returns<ProjectDto>(),
  update: defineRequest('tasks.projects-update', UpdateProjectRequest).returns<ProjectDto>(),
  delete: defineRequest('tasks.projects-delete', ProjectRequest).returns<null>(),
  members: defineRequest('tasks.projects-members', ListMembersRequest).returns<Page<ProjectMemberDto>>(),
  setMember: defineRequest('tasks.projects-set-member', SetMemberRequest).returns<ProjectMemberDto>(),
  removeMember: defineRequest('tasks.projects-remove-member', RemoveMemberRequest).returns<null>(),
} as const;
