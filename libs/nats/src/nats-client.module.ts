import { type DynamicModule, Module } from '@nestjs/common';
import { NATS_CLIENT_OPTIONS, NatsRpcClient, type NatsClientOptions } from './rpc-client.js';

@Module({})
export class NatsClientModule {
  static forRoot(options: NatsClientOptions): DynamicModule {
    return {
      module: NatsClientModule,
      global: true,
      providers: [{ provide: NATS_CLIENT_OPTIONS, useValue: options }, NatsRpcClient],
      exports: [NatsRpcClient],
    };
  }
}
