import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { NatsRpcClient } from '#nats';
import { REDIS } from '../redis/redis.module.js';

const REDIS_PING_TIMEOUT_MS = 1000;

@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly nats: NatsRpcClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Liveness: the process serves HTTP; no dependency, so an outage elsewhere never restarts it. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: NATS connected and Redis answering (presence and cross-replica delivery need it). */
  @Get('ready')
  async ready(): Promise<{ status: 'ok' }> {
    const failed: string[] = [];
    if (!this.nats.isConnected()) failed.push('NATS');
    if (!(await this.redisAnswers())) failed.push('Redis');
    if (failed.length > 0) {
      this.logger.warn(`Not ready: ${failed.join(', ')}`);
      throw new ServiceUnavailableException(`${failed.join(', ')} not ready`);
    }
    return { status: 'ok' };
  }

  private async redisAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), REDIS_PING_TIMEOUT_MS)));
      return (await Promise.race([this.redis.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
