// What the one-process composition root (all/) may use of this app: start it, validate its config.
export { bootstrapGateway } from './bootstrap.js';
export { gatewayEnvSchema } from './config/gateway.env.js';
