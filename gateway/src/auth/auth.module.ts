import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { AuthController } from './auth.controller.js';
import { JwksController } from './jwks.controller.js';

@Module({ imports: [RateLimitModule], controllers: [AuthController, JwksController], providers: [AccessTokenStrategy] })
export class AuthModule {}
