export * from './service-metrics.js';
export * from './probe-server.js';
export * from './health.module.js';
export * from './draining.js';
export * from './dependency-checks.js';
export * from './shutdown.js';
export * from './rpc-metrics.interceptor.js';
