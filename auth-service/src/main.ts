import 'reflect-metadata';
import { loadEnvOrExit } from '#config';
import { startNatsService } from '#nats';
import { AppModule } from './app.module.js';
import { authEnvSchema } from './config/auth.env.js';
import { SERVICE_NAME } from './database/database.module.js';

const env = loadEnvOrExit(authEnvSchema);
await startNatsService(SERVICE_NAME, env, (nats) => AppModule.register(env, nats));
