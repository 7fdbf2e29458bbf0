import { type DynamicModule, type InjectionToken, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay, type OutboxRelayOptions } from './outbox.relay.js';
import { OutboxSignal } from './outbox.signal.js';

export interface OutboxModuleOptions {
  inject?: InjectionToken[];
  useFactory: (...deps: any[]) => OutboxRelayOptions;
}

/** The relay of one service's outbox table; writers get OutboxSignal to wake it after a commit. */
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxModuleOptions): DynamicModule {
    const OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');
    return {
      module: OutboxModule,
      global: true,
      providers: [
        OutboxSignal,
        { provide: OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: OutboxRelay,
          inject: [DataSource, OutboxSignal, OPTIONS],
          useFactory: (dataSource: DataSource, signal: OutboxSignal, relayOptions: OutboxRelayOptions) => new OutboxRelay(dataSource, signal, relayOptions),
        },
      ],
      exports: [OutboxSignal, OutboxRelay],
    };
  }
}
