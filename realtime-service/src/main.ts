import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { exitOnSignals } from '#health';
import { bootstrapRealtimeService } from './bootstrap.js';
import { realtimeEnvSchema } from './config/realtime.env.js';

const env = loadEnvOrExit(realtimeEnvSchema);
const app = await bootstrapRealtimeService(env);
exitOnSignals(app, env.SHUTDOWN_GRACE_MS);
