import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { exitOnSignals } from '#health';
import { bootstrapAuthService } from './bootstrap.js';
import { authEnvSchema } from './config/auth.env.js';

const env = loadEnvOrExit(authEnvSchema);
const app = await bootstrapAuthService(env);
// Twice the grace period: a drain stuck behind a backlog must still end before the orchestrator's kill.
exitOnSignals(app, env.SHUTDOWN_GRACE_MS * 2);
