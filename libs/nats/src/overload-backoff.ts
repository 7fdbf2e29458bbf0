/**
 * After a service answers OVERLOADED for a subject, the sender refuses that subject itself for
 * a short while: the service's queue is full for at least that long, so sending would only
 * buy another refusal, at the cost of a NATS round trip and the service's time, which is what
 * the overloaded service lacks. Keyed by subject (auth.login is shed; auth.refresh is not).
 */
export class OverloadBackoff {
  private readonly until = new Map<string, number>();

  constructor(private readonly backoffMs: number) {}

  /** Whether `subject` is to be refused here, now. */
  isBackingOff(subject: string, now = Date.now()): boolean {
    const until = this.until.get(subject);
    if (until === undefined) return false;
    if (now < until) return true;
    this.until.delete(subject);
    return false;
  }

  /** The service refused `subject` as overloaded. */
  overloaded(subject: string, now = Date.now()): void {
    if (this.backoffMs > 0) this.until.set(subject, now + this.backoffMs);
  }
}
