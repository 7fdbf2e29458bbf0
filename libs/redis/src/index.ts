export * from './circuit.js';
export * from './guarded-redis.js';
