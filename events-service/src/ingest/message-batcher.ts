/** What the batcher needs of a JetStream message. */
export interface HeldMessage {
  working(): void;
  nak(millis?: number): void;
}

export interface MessageBatcherOptions<M> {
  /** At most this many messages per batch. */
  maxBatch: number;
  /** How often every held message is reported in progress: well inside the consumer's ack wait. */
  progressEveryMs: number;
  /** A message held longer than this is no longer reported, so a stuck write lets the server redeliver it. */
  maxHoldMs: number;
  /** Applies one batch; settles (acks, naks, terms) each of its messages itself. */
  handle: (batch: M[]) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * Turns delivered messages into batches: the messages that arrive together (one socket read)
 * or while the previous batch is being written form the next batch, at most `maxBatch`. One
 * batch at a time, in delivery order, so the events of one task keep their stream order.
 * Every held message, queued or being written, is reported in progress (`working()`) on a
 * timer, so a healthy replica never has a message redelivered however long its queue.
 */
export class MessageBatcher<M extends HeldMessage> {
  private readonly queue: M[] = [];
  private readonly held = new Map<M, number>();
  private draining?: Promise<void>;
  private closed = false;
  private readonly progress: NodeJS.Timeout;

  constructor(private readonly options: MessageBatcherOptions<M>) {
    this.progress = setInterval(() => this.reportProgress(), options.progressEveryMs);
    this.progress.unref();
  }

  get size(): number {
    return this.held.size;
  }

  push(msg: M): void {
    if (this.closed) {
      msg.nak(); // arrived after close: back to the stream for another replica
      return;
    }
    this.held.set(msg, Date.now());
    this.queue.push(msg);
    this.draining ??= this.drain();
  }

  /** Stops taking messages, hands the queued ones back (nak) and waits for the batch being written. */
  async close(): Promise<void> {
    this.closed = true;
    for (const msg of this.queue.splice(0)) {
      this.held.delete(msg);
      msg.nak();
    }
    await this.draining;
    clearInterval(this.progress);
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
          for (const msg of batch) this.held.delete(msg);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private reportProgress(): void {
    const oldest = Date.now() - this.options.maxHoldMs;
    for (const [msg, since] of this.held) if (since > oldest) msg.working();
  }
}
