export * from './circuit.js';
export * from './guarded-redis.js';
export * from './redis-client.js';
