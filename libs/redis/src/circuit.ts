/** Thrown at once, without touching the network, while the circuit is open. */
export class RedisUnavailableError extends Error {
  constructor(name: string) {
    super(`Redis (${name}) is unavailable: skipped without waiting`);
    this.name = 'RedisUnavailableError';
  }
}

export interface CircuitOptions {
  /** Checks whether the dependency answers again; rejects (or times out) while it does not. */
  probe: () => Promise<unknown>;
  probeIntervalMs: number;
  /** Told when the circuit opens and closes (logging). */
  onChange?: (open: boolean, reason?: unknown) => void;
}

/**
 * A circuit breaker whose recovery is checked in the background: once one call failed, every
 * caller is refused at once until a probe succeeds and every recovery hook has run (a hook
 * that fails keeps the circuit open; it is retried with the next probe). So a hung dependency
 * costs the calls in flight when it hung one timeout each, and every later call nothing.
 */
export class Circuit {
  private open = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly recoveryHooks: Array<() => Promise<void>> = [];

  constructor(private readonly options: CircuitOptions) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Runs before the circuit closes again, e.g. to repair what was skipped while it was open. */
  onRecovery(hook: () => Promise<void>): void {
    this.recoveryHooks.push(hook);
  }

  trip(reason: unknown): void {
    if (this.open) return;
    this.open = true;
    this.options.onChange?.(true, reason);
    this.scheduleProbe();
  }

  /** Stops probing (shutdown); the circuit stays as it is. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleProbe(): void {
    this.timer = setTimeout(() => void this.probe(), this.options.probeIntervalMs);
    // A pending probe must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await this.options.probe();
      for (const hook of this.recoveryHooks) await hook();
    } catch {
      this.scheduleProbe();
      return;
    }
    this.open = false;
    this.timer = undefined;
    this.options.onChange?.(false);
  }
}
