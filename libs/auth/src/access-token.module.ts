import { type DynamicModule, Module } from '@nestjs/common';
import { ACCESS_TOKEN_OPTIONS, AccessTokens, type AccessTokenOptions } from './access-token.js';

@Module({})
export class AccessTokenModule {
  static forRoot(options: AccessTokenOptions): DynamicModule {
    return {
      module: AccessTokenModule,
      global: true,
      providers: [{ provide: ACCESS_TOKEN_OPTIONS, useValue: options }, AccessTokens],
      exports: [AccessTokens],
    };
  }
}
