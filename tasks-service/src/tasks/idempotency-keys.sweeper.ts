import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TasksRepository } from './tasks.repository.js';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes Idempotency-Keys past their 24 h now and then, so the table holds about a day of
 * creates. Correctness does not depend on it: lookups ignore expired keys and a reuse takes
 * one over. Every replica sweeps; the DELETE is idempotent and walks an index range.
 */
@Injectable()
export class IdempotencyKeysSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeysSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly tasks: TasksRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  async sweep(): Promise<void> {
    try {
      const deleted = await this.tasks.deleteExpiredIdempotencyKeys();
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys`);
    } catch (error) {
      this.logger.warn(`Idempotency key sweep failed (next in an hour): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
