import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { PingHandler } from './ping.handler.js';

@Module({ controllers: [HealthController, PingHandler] })
export class HealthModule {}
