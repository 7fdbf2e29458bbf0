import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { APP_ENV } from '#config';
import { ErrorResponseDto } from '#contracts';
import { NatsRpcClient } from '#nats';
import { Public } from '../auth/auth.decorators.js';
import type { GatewayEnv } from '../config/gateway.env.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.guard.js';
import { describeFailures, describeTarget, READINESS_TARGETS } from './readiness.js';

/** A plain controller: the checks are two, and terminus's error body is not the SPEC shape. */
@ApiTags('health')
@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly nats: NatsRpcClient,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  /** Liveness: the process serves HTTP. No dependency, so an outage elsewhere never restarts the gateway. */
  @Get()
  @ApiOperation({ summary: 'Liveness' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: NATS connected and every service answers its ping (each checks its own dependencies)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiResponse({ status: 503, type: ErrorResponseDto })
  async ready(): Promise<{ status: 'ok' }> {
    // Pings are exempt from the in-flight limit: an overloaded service is busy, not unready.
    if (!this.nats.isConnected()) throw new ServiceUnavailableException('NATS not connected');
    const results = await Promise.allSettled(READINESS_TARGETS.map((target) => this.nats.request(target.ping, {}, { timeoutMs: this.env.READINESS_TIMEOUT_MS, unlimited: true })));
    const failed = READINESS_TARGETS.flatMap((target, i) => {
      const result = results[i]!;
      return result.status === 'rejected' ? [describeTarget(target.name, result.reason)] : [];
    });
    if (failed.length > 0) {
      this.logger.warn(`Not ready: ${failed.join(', ')}`);
      throw new ServiceUnavailableException(describeFailures(failed));
    }
    return { status: 'ok' };
  }
}
