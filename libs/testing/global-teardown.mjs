// Jest globalTeardown: stops the jongodb server that global-setup.mjs may have started
// (same process, so the child is on globalThis). Containers are reaped by testcontainers.
export default async function globalTeardown() {
  const watchdog = globalThis.__TASKFLOW_JONGODB__;
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  const exited = new Promise((resolve) => watchdog.once('exit', resolve));
  watchdog.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  globalThis.__TASKFLOW_JONGODB__ = undefined;
}
