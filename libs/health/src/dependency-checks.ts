import { ErrorCode, RpcError } from '#contracts';
import type { ReadinessCheck } from './probe-server.js';

export interface DependencyCheckOptions {
  /** A dependency slower than this is as good as down: readiness must answer fast. */
  timeoutMs?: number;
  /** How long one result stands, so a flood of pings and probes runs one check, not one each. */
  cacheMs?: number;
  now?: () => number;
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * A service's own dependencies, checked for both its probe server's `/health/ready` and its
 * answer to the gateway's NATS ping, so the two cannot disagree. A hung dependency counts as
 * failed after `timeoutMs`; the result (and a check in flight) is shared for `cacheMs`.
 */
export class DependencyChecks {
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private last?: { at: number; failing: Promise<string[]> };

  constructor(
    private readonly checks: ReadinessCheck[],
    { timeoutMs = 300, cacheMs = 1000, now = Date.now }: DependencyCheckOptions = {},
  ) {
    this.timeoutMs = timeoutMs;
    this.cacheMs = cacheMs;
    this.now = now;
  }

  /** Names of the dependencies that failed or did not answer in time; empty when all are usable. */
  failing(): Promise<string[]> {
    const now = this.now();
    if (this.last && now - this.last.at < this.cacheMs) return this.last.failing;
    const failing = Promise.allSettled(this.checks.map((c) => withTimeout(Promise.resolve().then(c.check), this.timeoutMs))).then((results) =>
      this.checks.filter((_, i) => results[i]!.status === 'rejected').map((c) => c.name),
    );
    this.last = { at: now, failing };
    return failing;
  }

  /**
   * For a ping handler: resolves when every dependency is usable, else rejects with
   * SERVICE_UNAVAILABLE naming them (in `details.dependencies`, for the gateway's readiness).
   */
  async assertReady(): Promise<void> {
    const failed = await this.failing();
    if (failed.length > 0) throw new RpcError(ErrorCode.SERVICE_UNAVAILABLE, `${failed.join(', ')} not ready`, { dependencies: failed });
  }
}
