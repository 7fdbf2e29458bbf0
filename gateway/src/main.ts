import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { exitOnSignals } from '#health';
import { bootstrapGateway } from './bootstrap.js';
import { gatewayEnvSchema } from './config/gateway.env.js';

const env = loadEnvOrExit(gatewayEnvSchema);
const app = await bootstrapGateway(env);
exitOnSignals(app, env.SHUTDOWN_GRACE_MS);
