/**
 * Requests a service has taken and not yet answered, so a shutdown can wait for exactly those
 * (up to its grace period) instead of a fixed time: too short drops answers (504s), too long
 * outlives the orchestrator's patience.
 */
export class InFlightRequests {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** Counts one request; the returned function ends it (calling it again does nothing). */
  start(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resolves true once none is in flight, or false after `timeoutMs` with some still running. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((wake) => wake !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(onIdle);
    });
  }
}
