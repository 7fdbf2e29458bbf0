import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AuthController } from './auth.controller.js';

@Module({ imports: [RateLimitModule], controllers: [AuthController] })
export class AuthModule {}
