import { ApiProperty, ApiPropertyOptional } from './openapi.js';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { EmptyRequest, Page, PageQuery, ROLES, type Role } from './common.js';
import { defineRequest, type PingResponse } from './define.js';
import { ByteLength, SafeEmail, SafeText } from './safe-text.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 72;
const passwordMessage = (property: string) => `${property} must be ${PASSWORD_MIN_BYTES}-${PASSWORD_MAX_BYTES} bytes long`;
/** A password to check (login, current password): never longer than any password that can be set. */
const maxPasswordBytes = (property: string) =>
  ByteLength(0, PASSWORD_MAX_BYTES, { message: `${property} must be at most ${PASSWORD_MAX_BYTES} bytes long` });

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'email' }) email!: string;
}

export class UserPageDto implements Page<UserSummaryDto> {
  @ApiProperty({ type: [UserSummaryDto] }) items!: UserSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class RegisterRequest {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(trim)
  @IsString()
  @SafeText()
  @MaxLength(254)
  @SafeEmail()
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_BYTES, maxLength: PASSWORD_MAX_BYTES, description: 'UTF-8 bytes' })
  @IsString()
  @SafeText()
  @ByteLength(PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES, { message: passwordMessage('password') })
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @SafeText()
  @Length(1, 100)
  name!: string;
}

export class LoginRequest {
  @ApiProperty({ format: 'email' })
  @Transform(trim)
  @IsString()
  @SafeText()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_BYTES, description: 'UTF-8 bytes' })
  @IsString()
  @SafeText()
  @maxPasswordBytes('password')
  password!: string;
}

/** What auth-service hands the gateway on register, login and refresh. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  refreshExpiresAt: string;
}

export interface AuthSession extends IssuedTokens {
  user: UserDto;
}

export class AuthResponseDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty() accessToken!: string;
}

export class AccessTokenResponseDto {
  @ApiProperty() accessToken!: string;
}

export class RefreshRequest {
  @IsString()
  @SafeText()
  @MaxLength(2048)
  refreshToken!: string;
}

export class LogoutRequest {
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(2048)
  refreshToken?: string;
}

export class ChangePasswordBody {
  @ApiProperty({ maxLength: PASSWORD_MAX_BYTES, description: 'UTF-8 bytes' })
  @IsString()
  @SafeText()
  @maxPasswordBytes('currentPassword')
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_BYTES, maxLength: PASSWORD_MAX_BYTES, description: 'UTF-8 bytes' })
  @IsString()
  @SafeText()
  @ByteLength(PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES, { message: passwordMessage('newPassword') })
  newPassword!: string;
}


export class SearchUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Prefix of a name or an email, case-insensitive', maxLength: 100 })
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(100)
  q?: string;
}


export class ChangeRoleBody {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class ChangeRoleRequest {
  @IsUUID()
  userId!: string;

  @IsIn(ROLES)
  role!: Role;
}

/** For other services: which of these ids are users (e.g. before assigning a task). */
export class FindUsersRequest {
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  ids!: string[];

  /** Only the users among `ids` with this role (e.g. the admins, who see every task). */
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export const AuthContract = {
  ping: defineRequest('auth.ping', EmptyRequest).returns<PingResponse>(),
  register: defineRequest('auth.register', RegisterRequest).returns<AuthSession>(),
  login: defineRequest('auth.login', LoginRequest).returns<AuthSession>(),
  refresh: defineRequest('auth.refresh', RefreshRequest).returns<IssuedTokens>(),
  logout: defineRequest('auth.logout', LogoutRequest).returns<null>(),
  logoutAll: defineRequest('auth.logout-all', EmptyRequest).returns<null>(),
  changePassword: defineRequest('auth.change-password', ChangePasswordBody).returns<null>(),
  me: defineRequest('auth.me', EmptyRequest).returns<UserDto>(),
  searchUsers: defineRequest('users.search', SearchUsersQuery).returns<Page<UserSummaryDto>>(),
  changeRole: defineRequest('users.change-role', ChangeRoleRequest).returns<UserDto>(),
  findUsers: defineRequest('users.find', FindUsersRequest).returns<UserSummaryDto[]>(),
} as const;
