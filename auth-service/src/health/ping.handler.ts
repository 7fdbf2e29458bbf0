import { Controller } from '@nestjs/common';
import { AuthContract, type PingResponse } from '#contracts';
import { SERVICE_NAME } from '../database/database.module.js';
import { DependencyChecks } from '#health';
import { Handles, ServiceCall } from '#nats';

@Controller()
export class PingHandler {
  constructor(private readonly dependencies: DependencyChecks) {}

  /**
   * Readiness probes carry no user. The answer is the probe server's own readiness (cached
   * briefly), so the gateway's /health/ready names a dependency that is down or hung.
   */
  @ServiceCall()
  @Handles(AuthContract.ping)
  async ping(): Promise<PingResponse> {
    await this.dependencies.assertReady();
    return { service: SERVICE_NAME };
  }
}
