import { Controller, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RealtimeContract, type Actor, type PresenceResponseDto } from '#contracts';
import { Caller, CallerGuard, NatsRequestContextInterceptor, RpcErrorFilter, rpcValidationPipe } from '#nats';
import { PresenceService } from './presence.service.js';

/** NATS side of this hybrid app: RPC guard, filter, pipe and interceptor here, not app-wide (HTTP has its own). */
@Controller()
@UseGuards(CallerGuard)
@UseFilters(RpcErrorFilter)
@UseInterceptors(NatsRequestContextInterceptor)
@UsePipes(rpcValidationPipe())
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @MessagePattern(RealtimeContract.presence.subject)
  list(@Caller() actor: Actor): Promise<PresenceResponseDto> {
    return this.presence.visibleTo(actor);
  }
}
