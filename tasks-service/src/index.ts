// What the one-process composition root (all/) may use of this app: start it, validate its config.
export { bootstrapTasksService } from './bootstrap.js';
export { tasksEnvSchema } from './config/tasks.env.js';
