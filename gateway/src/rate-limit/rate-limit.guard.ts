import { type CanActivate, type ExecutionContext, Inject, Injectable, type OnModuleDestroy, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_ENV } from '#config';
import type { GuardedRedis } from '#redis';
import type { GatewayEnv } from '../config/gateway.env.js';
import { TooManyRequestsError } from '../http/error-body.js';
import { REDIS } from '../redis/redis.module.js';
import { ipKey } from './rate-limit.policy.js';
import { ReplicaWindowLimiter } from './replica-window-limiter.js';

const SKIP_RATE_LIMIT = 'gateway:skipRateLimit';
/** For probes and scrapes (/health*, /metrics): an orchestrator must never be rate limited. */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

/**
 * The global per-IP limit on /api, counted in this replica and reconciled with Redis in
 * batches (ReplicaWindowLimiter): no Redis round trip per request. With Redis unavailable
 * each replica enforces the limit on its own.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly limiter: ReplicaWindowLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS) redis: GuardedRedis,
    @Inject(APP_ENV) env: GatewayEnv,
  ) {
    this.limiter = new ReplicaWindowLimiter(redis, {
      limit: env.RATE_LIMIT_MAX,
      windowMs: env.RATE_LIMIT_WINDOW_S * 1000,
      syncMs: env.RATE_LIMIT_SYNC_MS,
      localShare: env.RATE_LIMIT_LOCAL_SHARE,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const decision = await this.limiter.hit(ipKey(request.ip));
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    return true;
  }

  onModuleDestroy(): void {
    this.limiter.close();
  }
}
