import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_ENV } from '#config';
import type { GatewayEnv } from '../config/gateway.env.js';
import { TooManyRequestsError } from '../http/error-body.js';
import { decide, ipKey } from './rate-limit.policy.js';
import { WindowCounter } from './window-counter.store.js';

const SKIP_RATE_LIMIT = 'gateway:skipRateLimit';
/** For probes and scrapes (/health*, /metrics): an orchestrator must never be rate limited. */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

/** The global per-IP limit on /api. With Redis down it fails open: availability over limits. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private lastWarning = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly counter: WindowCounter,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    let decision;
    try {
      const { count, resetMs } = await this.counter.hit(ipKey(request.ip), this.env.RATE_LIMIT_WINDOW_S * 1000);
      decision = decide(count, this.env.RATE_LIMIT_MAX, resetMs);
    } catch (error) {
      this.warnFailOpen(error);
      return true;
    }
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    return true;
  }

  /** At most one warning a minute: during an outage every request would log one. */
  private warnFailOpen(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`Rate limit skipped, Redis failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
