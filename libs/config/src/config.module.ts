import { type DynamicModule, Global, Module } from '@nestjs/common';

/** Injection token of the validated, typed environment of the running service. */
export const APP_ENV = Symbol('APP_ENV');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: object): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_ENV, useValue: env }], exports: [APP_ENV] };
  }
}
