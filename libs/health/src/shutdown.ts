import { Logger } from '@nestjs/common';

interface Closeable {
  close(): Promise<void>;
}

interface ShutdownHooks {
  enableShutdownHooks(signals: string[], options: { useProcessExit: boolean }): unknown;
}

/**
 * A service's own process: drain on SIGTERM/SIGINT through Nest's shutdown hooks and exit 0
 * (Nest would otherwise re-raise the signal). A drain that hangs (a stuck connection, bcrypt
 * work nobody waits for) must not outlive the orchestrator's grace period: after `hardLimitMs`
 * the process leaves non-zero, visibly, instead of being killed.
 */
export function exitOnSignals(app: ShutdownHooks, hardLimitMs: number): void {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), hardLimitMs).unref());
}

/**
 * Several apps in one process (all/): on SIGTERM/SIGINT close each stage in turn (the apps of
 * one stage together), then exit 0; exit 1 if that takes longer than `hardLimitMs`. The order
 * matters: the HTTP front closes first and lets its in-flight requests finish while the
 * services behind it still answer.
 */
export function closeInStagesOnSignals(stages: Closeable[][], hardLimitMs: number): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), hardLimitMs).unref();
    logger.log(`${signal}: draining every service`);
    void (async () => {
      for (const stage of stages) {
        const results = await Promise.allSettled(stage.map((app) => app.close()));
        for (const result of results) if (result.status === 'rejected') logger.error(result.reason);
      }
      logger.log('Every service stopped');
      process.exit(0);
    })();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
