import { Module } from '@nestjs/common';
import { PresenceHandler } from './presence.handler.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';

@Module({ providers: [PresenceRepository, PresenceService], controllers: [PresenceHandler], exports: [PresenceService] })
export class PresenceModule {}
