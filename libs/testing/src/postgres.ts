import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './stack.js';

/** The newest installed PostgreSQL's binaries (Debian layout), or whatever `initdb` is on PATH. */
function postgresBin(tool: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', tool))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin', tool) : tool;
}

/**
 * A PostgreSQL of the test's own, on a free port, so a fault test can stop or pause it without
 * disturbing anyone else's. initdb refuses root: as root the server runs as `postgres`.
 */
export class PrivatePostgres {
  private constructor(
    readonly url: string,
    private readonly port: number,
    private readonly dir: string,
    private readonly asUser: string[],
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'taskflow-pg-'));
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (asUser.length > 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    const port = await freePort();
    const pg = new PrivatePostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, asUser);
    pg.run(postgresBin('initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    pg.startServer();
    return pg;
  }

  /** Starts the server (again, after `stop`) on its port with its data, and waits until it accepts connections. */
  startServer(): void {
    const { dir, port } = this;
    this.run(postgresBin('pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }

  private run(command: string, args: string[]): void {
    const [head, ...rest] = [...this.asUser, command, ...args];
    execFileSync(head!, rest, { stdio: 'ignore' });
  }

  /** The postmaster and every backend it forked: SIGSTOP on all of them is a hung database. */
  private pids(): number[] {
    const postmaster = Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // Field 4 of /proc/<pid>/stat is the parent; the name (field 2) may hold spaces, so split after it.
          return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === postmaster;
        } catch {
          return false; // gone meanwhile
        }
      })
      .map(Number);
    return [postmaster, ...children];
  }

  pause(): void {
    this.signalAll('SIGSTOP');
  }

  resume(): void {
    this.signalAll('SIGCONT');
  }

  /** A backend may exit between the listing and its signal (a pool closing a connection): that one needs none. */
  private signalAll(signal: NodeJS.Signals): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  }

  stop(): void {
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) {
      this.resume();
      this.run(postgresBin('pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    }
  }

  close(): void {
    try {
      this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
