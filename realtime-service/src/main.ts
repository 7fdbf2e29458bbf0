import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadEnvOrExit, maskEnv } from '#config';
import { createRealtimeApp } from './app.js';
import { realtimeEnvSchema } from './config/realtime.env.js';

const env = loadEnvOrExit(realtimeEnvSchema);
const app = await createRealtimeApp(env);
const logger = new Logger('Bootstrap');
logger.log({ config: maskEnv(env) }, 'Starting');
// useProcessExit: exit 0 after a clean shutdown (by default Nest re-raises the signal).
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
// A shutdown that hangs must not outlive the orchestrator's grace period.
process.once('SIGTERM', () => setTimeout(() => process.exit(1), env.SHUTDOWN_GRACE_MS).unref());
// NATS first: once the port answers /health, this replica also serves ping and presence.
await app.startAllMicroservices();
await app.listen({ port: env.PORT, host: '0.0.0.0' });
logger.log(`Realtime service listening on port ${env.PORT} (Socket.IO namespace /tasks) and on NATS`);
