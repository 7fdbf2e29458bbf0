import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RealtimeContract, type PingResponse } from '#contracts';
import { SERVICE_NAME } from '../config/realtime.env.js';
import { ServiceCall } from '#nats';

@Controller()
export class PingHandler {
  /** Readiness probes carry no user. */
  @ServiceCall()
  @MessagePattern(RealtimeContract.ping.subject)
  ping(): PingResponse {
    return { service: SERVICE_NAME };
  }
}
