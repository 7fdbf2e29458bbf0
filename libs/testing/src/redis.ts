import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRedisClient } from '#redis';
import { freePort } from './stack.js';
import { waitFor } from './wait.js';

/**
 * A redis-server of the test's own on a free port (no persistence), so a fault test can pause
 * (SIGSTOP: a hung Redis, connections stay open) or stop it without disturbing anyone else's.
 */
export class PrivateRedis {
  private constructor(
    readonly url: string,
    private readonly server: ChildProcess,
  ) {}

  static async start(binary = '/usr/bin/redis-server'): Promise<PrivateRedis> {
    const port = await freePort();
    const server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const redis = new PrivateRedis(`redis://127.0.0.1:${port}`, server);
    const client = createRedisClient({ REDIS_URL: redis.url, REDIS_PORT: port }, { name: 'private-redis-probe', offlineQueue: true, maxRetriesPerRequest: 0, reconnect: false });
    try {
      await waitFor(
        async () => {
          if (server.exitCode !== null) throw new Error(`redis-server exited with ${server.exitCode}`);
          if (client.status !== 'ready') await client.connect();
          return (await client.ping()) === 'PONG';
        },
        10_000,
        'the private redis-server',
      );
    } catch (error) {
      server.kill('SIGKILL');
      throw error;
    } finally {
      client.disconnect();
    }
    return redis;
  }

  pause(): void {
    this.server.kill('SIGSTOP');
  }

  resume(): void {
    this.server.kill('SIGCONT');
  }

  async close(): Promise<void> {
    if (this.server.exitCode !== null || this.server.signalCode !== null) return;
    this.resume();
    this.server.kill('SIGTERM');
    await once(this.server, 'exit');
  }
}
