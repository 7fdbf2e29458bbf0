import { Controller } from '@nestjs/common';
import { RealtimeContract, type Actor, type PresenceResponseDto } from '#contracts';
import { Caller, Handles } from '#nats';
import { PresenceService } from './presence.service.js';

/** NATS side of this hybrid app: @Handles brings the RPC guard, filter, pipe and interceptors per handler, as everywhere (HTTP has its own). */
@Controller()
export class PresenceHandler {
  constructor(private readonly presence: PresenceService) {}

  @Handles(RealtimeContract.presence)
  list(@Caller() actor: Actor): Promise<PresenceResponseDto> {
    return this.presence.visibleTo(actor);
  }
}
