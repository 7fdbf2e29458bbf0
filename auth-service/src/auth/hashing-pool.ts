import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { APP_ENV } from '#config';
import { ErrorCode, RpcError } from '#contracts';
import { currentDeadline } from '#logging';
import { handlerGraceMs } from '#nats';
import type { AuthEnv } from '../config/auth.env.js';

export const overloaded = () => new RpcError(ErrorCode.OVERLOADED, 'Too many sign-ins at once; retry in a moment');

interface Waiting {
  start: () => void;
  refuse: (error: RpcError) => void;
  deadline: number;
}

/**
 * bcrypt with bounded concurrency and a bounded queue. The hashes themselves run on libuv's
 * thread pool (bcrypt's async API), so the event loop stays free; this pool decides how many
 * may run and which may wait. A request that cannot finish before its deadline, judged from
 * the queue ahead of it and the measured time of a hash, is refused at once with OVERLOADED
 * (503 + Retry-After at the gateway) instead of queueing until the gateway gives up: no hash
 * is ever computed for a client that is no longer waiting.
 */
@Injectable()
export class HashingPool implements BeforeApplicationShutdown {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  /** Moving average of one hash, in ms; seeded pessimistically until measured. */
  private averageMs = 250;
  /** From SIGTERM on: when the NATS server stops waiting for running handlers (epoch ms). */
  private drainBy = Number.POSITIVE_INFINITY;
  private readonly shutdownGraceMs: number;
  readonly concurrency: number;
  readonly queueMax: number;
  private readonly maxWaitMs: number;

  constructor(@Inject(APP_ENV) env: Pick<AuthEnv, 'HASH_CONCURRENCY' | 'HASH_QUEUE_MAX' | 'HASH_MAX_WAIT_MS' | 'SHUTDOWN_GRACE_MS'>) {
    this.concurrency = env.HASH_CONCURRENCY;
    this.queueMax = env.HASH_QUEUE_MAX;
    this.maxWaitMs = env.HASH_MAX_WAIT_MS;
    this.shutdownGraceMs = handlerGraceMs(env);
  }

  async run<T>(work: () => Promise<T>, deadline = currentDeadline() ?? Number.POSITIVE_INFINITY): Promise<T> {
    await this.admit(deadline);
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.averageMs = this.averageMs * 0.8 + (Date.now() - started) * 0.2;
      this.running -= 1;
      this.startNext();
    }
  }

  /**
   * Resolves when a slot is ours; refuses at once when the wait could not end in time. While
   * shutting down nothing queues: a request is served only if a slot is free and its hash
   * fits in what is left of the drain (a sign-in that reached us just after SIGTERM).
   */
  private admit(requestDeadline: number): Promise<void> {
    const shuttingDown = this.drainBy !== Number.POSITIVE_INFINITY;
    const deadline = Math.min(requestDeadline, this.drainBy);
    if (this.running < this.concurrency && this.waiting.length === 0) {
      if (!this.finishesInTime(0, deadline)) return Promise.reject(overloaded());
      this.running += 1;
      return Promise.resolve();
    }
    const ahead = this.waiting.length + 1;
    if (shuttingDown || this.waiting.length >= this.queueMax || this.expectedWaitMs(ahead) > this.maxWaitMs || !this.finishesInTime(ahead, deadline)) {
      return Promise.reject(overloaded());
    }
    return new Promise((start, refuse) => this.waiting.push({ start, refuse, deadline }));
  }

  /** How long a job with `ahead` jobs queued before it would likely wait for a slot. */
  private expectedWaitMs(ahead: number): number {
    return Math.ceil(ahead / this.concurrency) * this.averageMs;
  }

  /** Whether a job with `ahead` jobs queued before it would likely finish before `deadline`. */
  private finishesInTime(ahead: number, deadline: number, now = Date.now()): boolean {
    return now + this.expectedWaitMs(ahead) + this.averageMs <= deadline;
  }

  private startNext(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      // Its caller has given up (or will have before the hash ends): drop it unstarted.
      if (!this.finishesInTime(0, next.deadline)) {
        next.refuse(overloaded());
        continue;
      }
      this.running += 1;
      next.start();
    }
  }

  /**
   * SIGTERM: what runs finishes, what waits is refused now, so the drain ends in time. Before
   * the NATS server drains (Nest's shutdown order), so the refusals still reach the gateway
   * as 503s and the drain waits only for the hashes already running.
   */
  beforeApplicationShutdown(): void {
    this.drainBy = Date.now() + this.shutdownGraceMs;
    for (const job of this.waiting.splice(0)) job.refuse(overloaded());
  }

  stats(): { running: number; waiting: number; averageMs: number } {
    return { running: this.running, waiting: this.waiting.length, averageMs: this.averageMs };
  }
}
