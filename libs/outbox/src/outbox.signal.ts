import { Injectable } from '@nestjs/common';

/**
 * In-process nudge: a write that committed an outbox row wakes the local relay at once,
 * instead of leaving the event to the next poll.
 */
@Injectable()
export class OutboxSignal {
  private pending = false;
  private wake?: () => void;

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Resolves at the next notify (at once if one came since the last wait) or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        self.pending = false;
        resolve();
      }
      this.wake = done;
    });
  }
}
