// What the one-process composition root (all/) may use of this app: start it, validate its config.
export { bootstrapAuthService } from './bootstrap.js';
export { authEnvSchema } from './config/auth.env.js';
