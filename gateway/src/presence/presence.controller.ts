import { NatsRpcClient } from '#nats';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PresenceResponseDto, RealtimeContract } from '#contracts';
import { ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('presence')
@ApiBearerAuth()
@Controller('presence')
export class PresenceController {
  constructor(private readonly nats: NatsRpcClient) {}

  @Get()
  @ApiOperation({
    summary: 'Who is online (connected to realtime) among the users the caller shares tasks with; admins: everyone',
    description: 'Answered by realtime-service (503 while it is not running; it is not part of readiness).',
  })
  @ApiOkResponse({ type: PresenceResponseDto })
  @ApiErrors(401)
  list(): Promise<PresenceResponseDto> {
    return this.nats.request(RealtimeContract.presence, {});
  }
}
