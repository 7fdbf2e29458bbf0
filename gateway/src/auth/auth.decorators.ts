import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '#contracts';

export const IS_PUBLIC = 'gateway:isPublic';
export const ROLES_KEY = 'gateway:roles';

/** Opts a route out of the global access-token guard; every other route requires a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route to these roles (checked after the token). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AccessTokenGuard from a verified token. */
    actor?: Actor & { sessionId: string };
    /** The verified token itself, forwarded to the services (they verify it again). */
    accessToken?: string;
  }
}
