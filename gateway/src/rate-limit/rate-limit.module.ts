import { Module } from '@nestjs/common';
import { LoginLimiter } from './login-limiter.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { WindowCounter } from './window-counter.store.js';

@Module({
  providers: [WindowCounter, RateLimitGuard, LoginLimiter],
  exports: [RateLimitGuard, LoginLimiter],
})
export class RateLimitModule {}
