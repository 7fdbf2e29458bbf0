import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_ENV } from '#config';
import type { GatewayEnv } from '../config/gateway.env.js';
import { TooManyRequestsError } from '../http/error-body.js';
import { decide, loginFailureKey } from './rate-limit.policy.js';
import { WindowCounter } from './window-counter.store.js';

/** One login attempt that holds a slot of its (email, IP) budget until it is settled. */
export interface LoginAttempt {
  /** The credentials were right: the count starts over, so a user's own typos do not lock them out later. */
  succeeded(): Promise<void>;
  /** The attempt was never judged (an outage, a 400): the slot goes back. */
  release(): Promise<void>;
  // A wrong email or password needs no call: the reserved slot simply stays spent.
}

const NOTHING_RESERVED: LoginAttempt = { succeeded: async () => undefined, release: async () => undefined };

/**
 * At most LOGIN_FAILURE_LIMIT failed logins per (email, IP) per window. Each attempt first
 * reserves a slot with one atomic INCR (+ expiry) and only then is forwarded to
 * auth-service: a check followed by a later count would let a burst of parallel guesses all
 * pass the check before any of them was counted. Attempts beyond the limit are refused here,
 * without asking auth-service, until the window ends. Fails open if Redis is down.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);

  constructor(
    private readonly counter: WindowCounter,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  async reserve(email: string, ip: string): Promise<LoginAttempt> {
    const key = loginFailureKey(email, ip);
    const state = await this.safely(() => this.counter.hit(key, this.env.LOGIN_FAILURE_WINDOW_S * 1000));
    if (!state) return NOTHING_RESERVED;
    const decision = decide(state.count, this.env.LOGIN_FAILURE_LIMIT, state.resetMs);
    // A refused attempt keeps its increment: the key is past the limit anyway, and the
    // window's expiry was set by the first hit, so it does not prolong the lockout.
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds, 'Too many failed logins, try again later');
    return {
      succeeded: async () => {
        await this.safely(() => this.counter.reset(key));
      },
      release: async () => {
        await this.safely(() => this.counter.release(key));
      },
    };
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
