export * from './access-token.js';
export * from './access-token.module.js';
