import { Controller } from '@nestjs/common';
import { RealtimeContract, type PingResponse } from '#contracts';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { Handles, ServiceCall } from '#nats';

@Controller()
export class PingHandler {
  /** Readiness probes carry no user. */
  @ServiceCall()
  @Handles(RealtimeContract.ping)
  ping(): PingResponse {
    return { service: SERVICE_NAME };
  }
}
