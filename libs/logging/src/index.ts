export * from './request-context.js';
export * from './logger.js';
export type { Logger } from 'pino';
