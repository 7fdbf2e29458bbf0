import { type DynamicModule, Module } from '@nestjs/common';
import { ACCESS_TOKEN_OPTIONS, AccessTokenSigner, AccessTokenVerifier, type AccessTokenOptions } from './access-token.js';

@Module({})
export class AccessTokenModule {
  /** Verification everywhere; signing only where a signing key is given (auth-service). */
  static forRoot(options: AccessTokenOptions): DynamicModule {
    const providers = options.signingKey ? [AccessTokenVerifier, AccessTokenSigner] : [AccessTokenVerifier];
    return {
      module: AccessTokenModule,
      global: true,
      providers: [{ provide: ACCESS_TOKEN_OPTIONS, useValue: options }, ...providers],
      exports: providers,
    };
  }
}
