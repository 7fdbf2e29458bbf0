/** What progress reporting needs of a JetStream message. */
export interface HeldMessage {
  working(): void;
  nak(millis?: number): void;
}

export interface ProgressOptions {
  /** How often every held message is reported in progress: well inside the consumer's ack wait. */
  progressEveryMs: number;
  /** A message held longer than this is no longer reported, so a stuck handler lets the server redeliver it. */
  maxHoldMs: number;
}

/**
 * The messages a consumer holds (queued or being handled), each reported in progress
 * (`working()`) on a timer, so a healthy replica never has a message redelivered however long
 * its queue, while one held past `maxHoldMs` is given up on.
 */
export class HeldMessages<M extends HeldMessage> {
  private readonly held = new Map<M, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: ProgressOptions) {
    this.timer = setInterval(() => this.reportProgress(), options.progressEveryMs);
    this.timer.unref();
  }

  get size(): number {
    return this.held.size;
  }

  hold(msg: M): void {
    this.held.set(msg, Date.now());
  }

  release(msg: M): void {
    this.held.delete(msg);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private reportProgress(): void {
    const oldest = Date.now() - this.options.maxHoldMs;
    for (const [msg, since] of this.held) if (since > oldest) msg.working();
  }
}
