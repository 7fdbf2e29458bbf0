import { ApiProperty, ApiPropertyOptional } from './openapi.js';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SafeText } from './safe-text.js';

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is asking: taken from the access token that the service verified itself (libs/nats
 * CallerGuard), never from a payload.
 */
export interface Actor {
  id: string;
  role: Role;
  /** The login (refresh-token family) the access token belongs to. */
  sessionId?: string;
}

/** A request that carries nothing but the caller's token; any field in it is refused. */
export class EmptyRequest {}

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
