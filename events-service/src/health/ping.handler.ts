import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { EventsContract, type PingResponse } from '#contracts';
import { SERVICE_NAME } from '../database/database.module.js';
import { ServiceCall } from '#nats';

@Controller()
export class PingHandler {
  /** Readiness probes carry no user. */
  @ServiceCall()
  @MessagePattern(EventsContract.ping.subject)
  ping(): PingResponse {
    return { service: SERVICE_NAME };
  }
}
