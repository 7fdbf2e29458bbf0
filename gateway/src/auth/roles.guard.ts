import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Role } from '#contracts';
import { ROLES_KEY } from './auth.decorators.js';

/** Global, after AccessTokenGuard: enforces @Roles(); routes without it are open to every role. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const actor = context.switchToHttp().getRequest<FastifyRequest>().actor;
    if (!actor || !roles.includes(actor.role)) throw new ForbiddenException('You do not have permission to do this');
    return true;
  }
}
