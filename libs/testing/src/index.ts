export * from './wait.js';
export * from './stack.js';
export * from './api.js';
export * from './tasks.js';
