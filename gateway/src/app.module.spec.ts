import { describe, expect, it } from '@jest/globals';
import { APP_GUARD } from '@nestjs/core';
import { loadEnv } from '#config';
import { AppModule } from './app.module.js';
import { AccessTokenGuard } from './auth/access-token.guard.js';
import { RolesGuard } from './auth/roles.guard.js';
import { gatewayEnvSchema } from './config/gateway.env.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';

// Routes need no guard of their own (taskflow/route-access only makes them say @Public() or
// @ApiBearerAuth()) because the access-token guard is global: this keeps it so.
describe('AppModule', () => {
  it('authenticates every route with the global AccessTokenGuard, after the rate limit and before the roles check', () => {
    const { providers = [] } = AppModule.register(loadEnv(gatewayEnvSchema, { NODE_ENV: 'test' }));
    const guards = providers.flatMap((provider) => {
      if (typeof provider !== 'object' || !('provide' in provider) || provider.provide !== APP_GUARD) return [];
      return ['useClass' in provider ? provider.useClass : 'useExisting' in provider ? provider.useExisting : undefined];
    });
    expect(guards).toEqual([RateLimitGuard, AccessTokenGuard, RolesGuard]);
  });
});
