// A private nats-server running TaskFlow's shipped configuration (deploy/nats/nats-server.conf
// and the roles it includes, deploy/nats/auth.conf)
// with the development public keys (deploy/nats/dev.env): what `npm start`, the test harness
// and the benchmarks run, so everything local goes through the same authentication and
// permissions as production. Plain JS: Jest's globalSetup and the scripts load it untransformed.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NATS_CONFIG = resolve(ROOT, 'deploy/nats/nats-server.conf');
export const NATS_AUTH_CONFIG = resolve(ROOT, 'deploy/nats/auth.conf');
export const NATS_DEV_ENV = resolve(ROOT, 'deploy/nats/dev.env');

/** The nats-server binary: `explicit` (e.g. from an env variable) if given, else PATH, /usr/sbin, /usr/local/sbin. */
export function findNatsServer(explicit) {
  const candidates = explicit ? [explicit] : (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin']).map((dir) => join(dir, 'nats-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** deploy/nats/dev.env as an object: the public keys the shipped configuration reads. */
export function natsDevEnv() {
  return Object.fromEntries(
    readFileSync(NATS_DEV_ENV, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

/**
 * The shipped roles (auth.conf) with `extraUsers` added to its users list (the test harness's
 * full-rights `test-admin`, which must never be in the shipped file). Throws if the file no
 * longer has exactly one `users = [`, rather than silently serving another configuration.
 */
export function authConfigWithExtraUsers(extraUsers) {
  const shipped = readFileSync(NATS_AUTH_CONFIG, 'utf8');
  if (extraUsers.length === 0) return shipped;
  const anchors = shipped.match(/^\s*users\s*=\s*\[\s*$/gm) ?? [];
  if (anchors.length !== 1) throw new Error(`${NATS_AUTH_CONFIG}: expected exactly one "users = [" line to add test users to, found ${anchors.length}`);
  const entries = extraUsers.map((user) => `    { nkey: ${user.nkey}${user.permissions ? `, permissions: ${user.permissions}` : ''} }`).join('\n');
  return shipped.replace(/^\s*users\s*=\s*\[\s*$/m, (line) => `${line}\n${entries}`);
}

export function freePort(host = '127.0.0.1') {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

// Runs between the caller and nats-server: when the caller goes away in any way (even
// SIGKILL) its end of the stdin pipe closes and the watchdog kills nats-server, so no server
// outlives a test run. The store directory is removed with it.
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [storeDir, binary, ...args] = process.argv.slice(1);
const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => child.kill('SIGTERM');
process.stdin.on('end', stop).on('close', stop).on('error', stop).resume();
process.on('SIGTERM', stop).on('SIGINT', stop);
child.on('exit', (code) => { try { rmSync(storeDir, { recursive: true, force: true }); } catch {} process.exit(code ?? 0); });
`;

/**
 * Starts nats-server with the shipped configuration on a free port (or `port`), JetStream in
 * a temporary store, the development public keys (or `env`), plus `extraUsers`. Resolves
 * once it accepts connections: { url, port, stop(), child }.
 */
export async function startLocalNats({ binary, port, host = '127.0.0.1', env = natsDevEnv(), extraUsers = [], timeoutMs = 15000 } = {}) {
  const natsServer = binary ?? findNatsServer();
  if (!natsServer) throw new Error('no nats-server binary found');
  const dir = await mkdtemp(join(tmpdir(), 'taskflow-nats-'));
  // Both files side by side, as shipped: nats-server.conf includes ./auth.conf.
  const config = join(dir, 'nats-server.conf');
  writeFileSync(config, readFileSync(NATS_CONFIG));
  writeFileSync(join(dir, 'auth.conf'), authConfigWithExtraUsers(extraUsers));
  const listenPort = port ?? (await freePort(host));
  const args = [dir, natsServer, '-c', config, '-a', host, '-p', String(listenPort), '-sd', join(dir, 'store')];
  const child = spawn(process.execPath, ['-e', WATCHDOG, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', ...env } });
  const output = [];
  await new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`nats-server did not start within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const onData = (chunk) => {
      output.push(String(chunk));
      if (/Server is ready/.test(output.join(''))) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`nats-server exited with ${code}:\n${output.join('')}`));
    });
  });
  // Keep draining its output, but let the caller exit without waiting for the child.
  child.stdout.removeAllListeners('data').resume();
  child.stderr.removeAllListeners('data').resume();
  child.removeAllListeners('exit');
  const exited = new Promise((done) => child.once('exit', done));
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();
  child.unref();
  return {
    url: `nats://${host}:${listenPort}`,
    port: listenPort,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return rm(dir, { recursive: true, force: true });
      child.ref(); // keep the caller alive until the server is gone
      child.kill('SIGTERM');
      let timer;
      await Promise.race([exited, new Promise((done) => (timer = setTimeout(done, 5000)))]);
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The loud warning every local runner prints when it cannot run the shipped configuration. */
export function warnUnauthenticatedNats(who, url) {
  console.warn(
    [
      '',
      `[${who}] ************************************************************************`,
      `[${who}] No nats-server binary found: falling back to the UNAUTHENTICATED NATS at ${url}.`,
      `[${who}] NATS credentials and permissions (deploy/nats/nats-server.conf) are NOT in force.`,
      `[${who}] Development only. Install nats-server (or set NATS_SERVER_BIN) to run them.`,
      `[${who}] ************************************************************************`,
      '',
    ].join('\n'),
  );
}
