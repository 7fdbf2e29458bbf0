// What the one-process composition root (all/) may use of this app: start it, validate its config.
export { bootstrapEventsService } from './bootstrap.js';
export { eventsEnvSchema } from './config/events.env.js';
