import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './stack.js';

const JONGODB_BINARY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb');

/**
 * An in-memory MongoDB stand-in (jongodb) of the test's own, on a free port, so a fault test
 * can throw its data away without disturbing anyone else's: `restartEmpty()` is a database
 * that comes back empty on the same address, as the shared stand-in does when it restarts.
 */
export class PrivateJongodb {
  private child?: ChildProcess;

  private constructor(private readonly port: number) {}

  static async start(): Promise<PrivateJongodb> {
    const mongo = new PrivateJongodb(await freePort());
    await mongo.spawn();
    return mongo;
  }

  url(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  async restartEmpty(): Promise<void> {
    await this.stop();
    await this.spawn();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  private async spawn(): Promise<void> {
    const child = spawn(JONGODB_BINARY, ['--host=127.0.0.1', `--port=${this.port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    process.once('exit', () => child.kill('SIGKILL'));
    const output: string[] = [];
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`jongodb did not start within 30 s:\n${output.join('')}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output.push(String(chunk));
        if (/JONGODB_URI=/.test(output.join(''))) {
          clearTimeout(timer);
          ready();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => output.push(String(chunk)));
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`jongodb exited with ${code}:\n${output.join('')}`));
      });
    });
    child.stdout!.removeAllListeners('data').resume();
    child.stderr!.removeAllListeners('data').resume();
    child.removeAllListeners('exit');
  }
}
