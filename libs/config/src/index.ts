export * from './env.js';
export * from './schemas.js';
export * from './nats-credentials.js';
export * from './connections.js';
export * from './config.module.js';
export * from './signing-keys.js';
export * from './service-env.js';
