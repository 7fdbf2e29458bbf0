import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_ENV } from '#config';
import type { GatewayEnv } from '../config/gateway.env.js';
import { TooManyRequestsError } from '../http/error-body.js';
import { loginFailureKey } from './rate-limit.policy.js';
import { WindowCounter } from './window-counter.store.js';

/**
 * Failed logins per (email, IP): once the limit is reached, further attempts are refused
 * here, without asking auth-service, until the window ends. Fails open if Redis is down.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);

  constructor(
    private readonly counter: WindowCounter,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const state = await this.safely(() => this.counter.peek(loginFailureKey(email, ip)));
    if (state && state.count >= this.env.LOGIN_FAILURE_LIMIT) {
      throw new TooManyRequestsError(Math.max(1, Math.ceil(state.resetMs / 1000)), 'Too many failed logins, try again later');
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.safely(() => this.counter.hit(loginFailureKey(email, ip), this.env.LOGIN_FAILURE_WINDOW_S * 1000));
  }

  /** A successful login clears the count, so a user's own typos do not lock them out later. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.safely(() => this.counter.reset(loginFailureKey(email, ip)));
  }

  private async safely<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.logger.warn(`Login limit skipped, Redis failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
