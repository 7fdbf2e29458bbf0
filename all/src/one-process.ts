import { Logger } from '@nestjs/common';
import { baseEnv, loadEnvOrExit, loadServiceEnvOrExit } from '#config';
import { closeInStagesOnSignals } from '#health';
import { createLogger, PinoNestLogger } from '#logging';
import { authEnvSchema, bootstrapAuthService } from '#auth-service';
import { bootstrapEventsService, eventsEnvSchema } from '#events-service';
import { bootstrapGateway, gatewayEnvSchema } from '#gateway';
import { bootstrapRealtimeService, realtimeEnvSchema } from '#realtime-service';
import { bootstrapTasksService, tasksEnvSchema } from '#tasks-service';
import { oneProcessDefaults } from './one-process-env.js';

/**
 * All five services in this process (`npm run start:one`, dist/all/src/main.js). Each is the
 * same Nest app as when split, with its own config (plain variables, overridden per service by
 * its prefix: libs/config serviceEnvSource), its own NATS connection, role credentials, inbox
 * prefix and queue group: they talk over NATS exactly as split services do, and can run beside
 * split replicas. PORT is the gateway's, which also serves /socket.io by proxying it to
 * realtime-service on REALTIME_SERVICE_PORT (3002). Every other port is the same as split: each
 * service keeps its own /health, /health/ready and /metrics (realtime-service on its port, the
 * NATS-only services on HEALTH_PORT 3011-3013), so probes and scrapes work unchanged.
 */
export async function startOneProcess(): Promise<void> {
  const root = loadEnvOrExit([baseEnv]);
  const realtimeEnv = loadServiceEnvOrExit('realtime-service', realtimeEnvSchema, oneProcessDefaults('realtime-service'));
  const envs = {
    auth: loadServiceEnvOrExit('auth-service', authEnvSchema),
    tasks: loadServiceEnvOrExit('tasks-service', tasksEnvSchema),
    events: loadServiceEnvOrExit('events-service', eventsEnvSchema),
    realtime: realtimeEnv,
    gateway: loadServiceEnvOrExit('gateway', gatewayEnvSchema, oneProcessDefaults('gateway', realtimeEnv.PORT)),
  };

  // The services behind NATS first, then realtime-service, then the gateway: when its port
  // answers, everything it forwards to is there.
  const [auth, tasks, events] = await Promise.all([bootstrapAuthService(envs.auth), bootstrapTasksService(envs.tasks), bootstrapEventsService(envs.events)]);
  const realtime = await bootstrapRealtimeService(envs.realtime);
  const gateway = await bootstrapGateway(envs.gateway);

  // Nest's static logger is one per process and each app set it to its own: framework lines are
  // labelled with the process instead (their `context` still names the class).
  Logger.overrideLogger(new PinoNestLogger(createLogger('taskflow', root.LOG_LEVEL)));
  // The gateway first: its in-flight requests finish while the services behind NATS still answer.
  // Then the rest together (each NATS server waits out its own drain period; in series they would add up).
  closeInStagesOnSignals([[gateway], [realtime, auth, tasks, events]], root.SHUTDOWN_GRACE_MS);
  new Logger('Bootstrap').log(`All five services in one process; HTTP and /socket.io on port ${envs.gateway.PORT}`);
}
