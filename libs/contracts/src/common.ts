import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { SafeText } from './safe-text.js';

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: set by the gateway from a verified access token, never by a client. */
export class Actor {
  @IsUUID()
  id!: string;

  @IsIn(ROLES)
  role!: Role;

  /** The login (refresh-token family) the access token belongs to. */
  @IsOptional()
  @IsUUID()
  sessionId?: string;
}

/** Base of every request made on behalf of a signed-in user. */
export class ActorRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => Actor)
  actor!: Actor;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T = object> = new (...args: any[]) => T;

/** An HTTP body class plus the actor: the NATS request for that body. */
export function withActor<Base extends Constructor>(base: Base) {
  class WithActor extends base {
    @IsDefined()
    @ValidateNested()
    @Type(() => Actor)
    actor!: Actor;
  }
  return WithActor;
}

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/** `?limit=&cursor=` of every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @SafeText()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a valid cursor' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  message!: string | string[];
  @ApiProperty({ example: '5f1c0c1e-3a3b-4c1e-9a57-0b7c9b1f3f1a' }) requestId!: string;
}
