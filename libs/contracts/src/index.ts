export * from './errors.js';
export * from './define.js';
export * from './safe-text.js';
export * from './common.js';
export * from './auth.contract.js';
export * from './tasks.contract.js';
export * from './events.contract.js';
export * from './realtime.contract.js';
