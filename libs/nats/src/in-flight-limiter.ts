/**
 * Bounds the requests in flight to each upstream service, keyed by the subject's first token
 * (`auth.login` → `auth`): a slow service gets at most `max` waiting requests from this
 * process, and the rest are refused at once instead of queueing until they time out. One
 * service's slowness never takes another's share.
 */
export class InFlightLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly max: number) {}

  static serviceOf(subject: string): string {
    const dot = subject.indexOf('.');
    return dot === -1 ? subject : subject.slice(0, dot);
  }

  /** A release function when there is room for one more request to `subject`'s service, else null. */
  tryAcquire(subject: string): (() => void) | null {
    const service = InFlightLimiter.serviceOf(subject);
    const current = this.inFlight.get(service) ?? 0;
    if (current >= this.max) return null;
    this.inFlight.set(service, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(service) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(service);
      else this.inFlight.set(service, left);
    };
  }

  current(service: string): number {
    return this.inFlight.get(service) ?? 0;
  }
}
