export * from './rpc-client.js';
export * from './nats-client.module.js';
export * from './server.js';
export * from './rpc-exception.filter.js';
export * from './request-context.interceptor.js';
export * from './validation.js';
export * from './bootstrap.js';
export * from './rpc-providers.js';
