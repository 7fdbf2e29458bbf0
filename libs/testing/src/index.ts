export * from './wait.js';
export * from './test-config.js';
export * from './stack.js';
export * from './api.js';
export * from './tasks.js';
export * from './realtime.js';
export * from './events.js';
export * from './nats.js';
