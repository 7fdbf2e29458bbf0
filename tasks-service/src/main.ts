import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { exitOnSignals } from '#health';
import { bootstrapTasksService } from './bootstrap.js';
import { tasksEnvSchema } from './config/tasks.env.js';

const env = loadEnvOrExit(tasksEnvSchema);
const app = await bootstrapTasksService(env);
// Twice the grace period: a drain stuck behind a backlog must still end before the orchestrator's kill.
exitOnSignals(app, env.SHUTDOWN_GRACE_MS * 2);
