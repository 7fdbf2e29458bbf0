import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_ENV, type PublicSigningJwk } from '#config';
import type { GatewayEnv } from '../config/gateway.env.js';
import { Public } from './auth.decorators.js';

export const JWKS_PATH = '.well-known/jwks.json';

/** The keys access tokens are verified with, for anyone who wants to check a token themselves. */
@ApiTags('auth')
@Public()
@Controller()
export class JwksController {
  private readonly document: { keys: PublicSigningJwk[] };

  constructor(@Inject(APP_ENV) env: GatewayEnv) {
    this.document = { keys: env.JWT_PUBLIC_KEYS };
  }

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys of access tokens (JWKS); a token names its key in the `kid` header' })
  @ApiOkResponse({ schema: { example: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'taskflow-2026-12', alg: 'ES256', use: 'sig', x: '…', y: '…' }] } } })
  jwks(): { keys: PublicSigningJwk[] } {
    return this.document;
  }
}
