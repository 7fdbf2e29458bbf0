import { HeldMessages, type HeldMessage, type ProgressOptions } from './held-messages.js';

export interface OrderedLanesOptions<M> extends ProgressOptions {
  /** At most this many messages handled at once, each from a different lane. */
  maxInFlight: number;
  /** Handles one message; settles (acks, naks, terms) it itself. */
  handle: (msg: M) => Promise<void>;
  onError: (error: unknown) => void;
}

/**
 * Handles messages in lanes, one lane per ordering key (a task's id, say): within a lane one
 * message at a time, in delivery order; different lanes in parallel, up to `maxInFlight`.
 * A lane with more waiting goes to the back of the line after each message, so one busy key
 * cannot hold every slot. Every held message is reported in progress (HeldMessages).
 */
export class OrderedLanes<M extends HeldMessage> {
  private readonly lanes = new Map<string, M[]>();
  /** Lanes whose next message waits for a free slot, in the order they got in line. */
  private readonly ready: string[] = [];
  private readonly held: HeldMessages<M>;
  /** Lanes whose head message is being handled. */
  private readonly active = new Set<string>();
  private closed = false;
  private idle?: { promise: Promise<void>; resolve: () => void };

  constructor(private readonly options: OrderedLanesOptions<M>) {
    this.held = new HeldMessages(options);
  }

  push(key: string, msg: M): void {
    if (this.closed) {
      msg.nak(); // arrived after close: back to the stream for another replica
      return;
    }
    this.held.hold(msg);
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(msg);
      return;
    }
    this.lanes.set(key, [msg]);
    this.ready.push(key);
    this.pump();
  }

  /** Stops taking messages, hands the waiting ones back (nak) and waits for those being handled. */
  async close(): Promise<void> {
    this.closed = true;
    this.ready.length = 0;
    for (const [key, lane] of this.lanes) {
      // The head of an active lane is being handled: it settles itself.
      for (const msg of lane.splice(this.active.has(key) ? 1 : 0)) {
        this.held.release(msg);
        msg.nak();
      }
    }
    if (this.active.size > 0) {
      this.idle ??= withResolvers();
      await this.idle.promise;
    }
    this.held.dispose();
  }

  private pump(): void {
    while (this.active.size < this.options.maxInFlight && this.ready.length > 0) {
      const key = this.ready.shift()!;
      this.active.add(key);
      void this.handleNext(key);
    }
  }

  private async handleNext(key: string): Promise<void> {
    const lane = this.lanes.get(key)!;
    const msg = lane[0]!;
    try {
      await this.options.handle(msg);
    } catch (error) {
      this.options.onError(error); // an unsettled message comes back after the ack wait
    }
    this.held.release(msg);
    lane.shift();
    this.active.delete(key);
    if (lane.length > 0 && !this.closed) this.ready.push(key);
    else this.lanes.delete(key);
    if (this.active.size === 0) this.idle?.resolve();
    this.pump();
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
