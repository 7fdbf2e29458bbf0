import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Api, freePort, registerUser, testEnv, waitFor } from '#testing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = ['auth-service', 'tasks-service', 'events-service', 'realtime-service', 'gateway'];

let stack: ChildProcess | undefined;
afterAll(() => {
  if (stack && stack.exitCode === null) stack.kill('SIGKILL');
});

/**
 * `npm start`'s and `npm run start:one`'s second half (the build is done by `npm test`): every
 * service as its own process, or all five in one (`--one-process`, dist/all/src/main.js).
 */
describe.each([
  { mode: 'split', args: [] as string[], processes: SERVICES },
  { mode: 'one-process', args: ['--one-process'], processes: ['all'] },
])('the local stack (scripts/start-stack.mjs), $mode', ({ args, processes }) => {
  it('comes up ready, then drains on SIGTERM: in-flight requests complete and every process exits 0', async () => {
    const port = await freePort();
    const realtimePort = await freePort();
    const mongo = process.env.TEST_MONGODB_URI;
    // No NATS_URL: the script runs its own nats-server with the shipped configuration, and the
    // services get in with their development credentials only.
    const { NATS_URL: _harnessNats, ...harness } = testEnv();
    const env: Record<string, string> = {
      ...harness,
      ...(mongo ? { MONGODB_URI: mongo.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*/, '$1/taskflow_test') } : {}),
      PORT: String(port),
      REALTIME_PORT: String(realtimePort),
      LOG_LEVEL: 'info',
      // A real bcrypt cost, so a login is still in flight when the signal arrives.
      BCRYPT_ROUNDS: '12',
    };
    const output: string[] = [];
    stack = spawn(process.execPath, [resolve(ROOT, 'scripts/start-stack.mjs'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    stack.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    stack.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((done) => stack!.once('exit', (code) => done(code)));

    const api = new Api(`http://127.0.0.1:${port}`);
    await waitFor(async () => (await api.get('/health/ready')).status === 200, 60000, 'gateway /health/ready');
    expect((await fetch(`http://127.0.0.1:${realtimePort}/health/ready`)).status).toBe(200);
    expect(output.join('')).toMatch(/\[start\] nats-server with deploy\/nats\/nats-server\.conf on nats:\/\/127\.0\.0\.1:\d+/);
    const user = await registerUser(api);

    const inFlight = api.post('/api/auth/login', { email: user.email, password: user.password });
    await new Promise((started) => setTimeout(started, 50)); // let the request reach the gateway
    const signalledAt = Date.now();
    stack.kill('SIGTERM');

    const login = await inFlight;
    expect(login.status).toBe(200);
    const code = await exited;
    // On failure, show how each process stopped (the start script logs it).
    if (code !== 0) console.log(output.join('').split('\n').filter((line) => line.startsWith('[start]')).join('\n'));
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(Number(env.SHUTDOWN_GRACE_MS ?? 5000) + 5000);
    const log = output.join('');
    for (const name of processes) expect(log).toMatch(new RegExp(`\\[start\\] ${name} stopped \\(0\\)`));
    for (const name of processes) expect(log).not.toMatch(new RegExp(`\\[start\\] ${name} exited`));
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 120000);
});
