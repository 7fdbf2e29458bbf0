import { HeldMessages, type HeldMessage, type ProgressOptions } from './held-messages.js';

export interface MessageBatcherOptions<M> extends ProgressOptions {
  /** At most this many messages per batch. */
  maxBatch: number;
  /** Applies one batch; settles (acks, naks, terms) each of its messages itself. */
  handle: (batch: M[]) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * Turns delivered messages into batches: the messages that arrive together (one socket read)
 * or while the previous batch is being written form the next batch, at most `maxBatch`. One
 * batch at a time, in delivery order, so the events of one task keep their stream order.
 * Every held message, queued or being written, is reported in progress (HeldMessages).
 */
export class MessageBatcher<M extends HeldMessage> {
  private readonly queue: M[] = [];
  private readonly held: HeldMessages<M>;
  private draining?: Promise<void>;
  private closed = false;

  constructor(private readonly options: MessageBatcherOptions<M>) {
    this.held = new HeldMessages(options);
  }

  get size(): number {
    return this.held.size;
  }

  push(msg: M): void {
    if (this.closed) {
      msg.nak(); // arrived after close: back to the stream for another replica
      return;
    }
    this.held.hold(msg);
    this.queue.push(msg);
    this.draining ??= this.drain();
  }

  /** Stops taking messages, hands the queued ones back (nak) and waits for the batch being written. */
  async close(): Promise<void> {
    this.closed = true;
    for (const msg of this.queue.splice(0)) {
      this.held.release(msg);
      msg.nak();
    }
    await this.draining;
    this.held.dispose();
  }

  private async drain(): Promise<void> {
    // Let the rest of this socket read arrive first: they are one batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        try {
          await this.options.handle(batch);
        } catch (error) {
          this.options.onError(error); // unsettled messages come back after the ack wait
        } finally {
          for (const msg of batch) this.held.release(msg);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
