// Jest globalTeardown: stops the nats-server and jongodb that global-setup.mjs may have
// started (same process, so they are on globalThis). Containers are reaped by testcontainers.
export default async function globalTeardown() {
  await globalThis.__TASKFLOW_NATS__?.stop();
  globalThis.__TASKFLOW_NATS__ = undefined;
  const watchdog = globalThis.__TASKFLOW_JONGODB__;
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  const exited = new Promise((resolve) => watchdog.once('exit', resolve));
  watchdog.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  globalThis.__TASKFLOW_JONGODB__ = undefined;
}
