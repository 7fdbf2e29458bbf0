import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AuthContract, type PingResponse } from '#contracts';
import { SERVICE_NAME } from '../database/database.module.js';

@Controller()
export class PingHandler {
  @MessagePattern(AuthContract.ping.subject)
  ping(): PingResponse {
    return { service: SERVICE_NAME };
  }
}
