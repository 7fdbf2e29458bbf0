import { Controller, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ActorRequest, RealtimeContract, type PresenceResponseDto } from '#contracts';
import { NatsRequestContextInterceptor, RpcErrorFilter, rpcValidationPipe } from '#nats';
import { PresenceService } from './presence.service.js';

/** NATS side of this hybrid app: RPC filter, pipe and interceptor here, not app-wide (HTTP has its own). */
@Controller()
@UseFilters(RpcErrorFilter)
@UseInterceptors(NatsRequestContextInterceptor)
@UsePipes(rpcValidationPipe())
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @MessagePattern(RealtimeContract.presence.subject)
  list(@Payload() request: ActorRequest): Promise<PresenceResponseDto> {
    return this.presence.visibleTo(request.actor);
  }
}
