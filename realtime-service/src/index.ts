// What the one-process composition root (all/) may use of this app: start it, validate its config.
export { bootstrapRealtimeService } from './bootstrap.js';
export { realtimeEnvSchema } from './config/realtime.env.js';
