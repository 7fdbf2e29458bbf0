import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { exitOnSignals } from '#health';
import { bootstrapEventsService } from './bootstrap.js';
import { eventsEnvSchema } from './config/events.env.js';

const env = loadEnvOrExit(eventsEnvSchema);
const app = await bootstrapEventsService(env);
// Twice the grace period: a drain stuck behind a backlog must still end before the orchestrator's kill.
exitOnSignals(app, env.SHUTDOWN_GRACE_MS * 2);
