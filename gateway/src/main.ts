import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadEnvOrExit } from '#config';
import { createGatewayApp } from './app.js';
import { gatewayEnvSchema } from './config/gateway.env.js';

const env = loadEnvOrExit(gatewayEnvSchema);
const app = await createGatewayApp(env);
// useProcessExit: exit 0 after a clean shutdown (by default Nest re-raises the signal, so the exit code is null).
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
// A shutdown that hangs (a stuck connection) must not outlive the orchestrator's grace period.
process.once('SIGTERM', () => setTimeout(() => process.exit(1), env.SHUTDOWN_GRACE_MS).unref());
await app.listen({ port: env.PORT, host: '0.0.0.0' });
new Logger('Bootstrap').log(`Gateway listening on port ${env.PORT}`);
