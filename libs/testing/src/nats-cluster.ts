import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { fromSeed } from '@nats-io/nkeys';
import type { NatsConnection } from '@nats-io/transport-node';
import { authConfigWithExtraUsers, findNatsServer, NATS_CONFIG, natsDevEnv } from '../../../scripts/lib/local-nats.mjs';
import { connectAs } from './nats.js';
import { freePort } from './stack.js';
import { hostPath, testNatsAuth } from './test-config.js';
import { waitFor } from './wait.js';

// Sits between the test and one nats-server: SIGUSR2 is the test's kill -9 of the node, SIGTERM
// its graceful stop; when the test process goes away in any way its end of the stdin pipe closes
// and the node dies with it, so no node outlives a run. The store directory is kept: a restarted
// node recovers from it.
const WATCHDOG = `
const { spawn } = require('node:child_process');
const [binary, ...args] = process.argv.slice(1);
const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const kill = () => child.kill('SIGKILL');
process.stdin.on('end', kill).on('close', kill).on('error', kill).resume();
process.on('SIGUSR2', kill).on('SIGINT', kill).on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(signal === 'SIGKILL' ? 137 : (code ?? 0)));
`;

const CLUSTER_NAME = 'taskflow-test';

export interface NatsClusterNode {
  /** The server's name, as JetStream reports leaders and peers. */
  readonly name: string;
  readonly url: string;
}

class Node implements NatsClusterNode {
  private watchdog?: ChildProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly clusterPort: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.watchdog && this.watchdog.exitCode === null && this.watchdog.signalCode === null;
  }

  /** Starts the node (again) on its ports with its store, resolving once it accepts clients. */
  async start(binary: string, routes: string[]): Promise<void> {
    const args = [
      ...['-c', join(this.dir, 'nats-server.conf'), '-a', '127.0.0.1', '-p', String(this.port), '-sd', join(this.dir, 'store')],
      ...['-n', this.name, '--cluster_name', CLUSTER_NAME, '--cluster', `nats://127.0.0.1:${this.clusterPort}`, '--routes', routes.join(',')],
    ];
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: hostPath(), ...natsDevEnv() } });
    this.watchdog = watchdog;
    const output: string[] = [];
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`${this.name} did not start within 15 s:\n${output.join('')}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output.push(String(chunk));
        if (/Server is ready/.test(output.join(''))) {
          clearTimeout(timer);
          ready();
        }
      };
      watchdog.stdout!.on('data', onData);
      watchdog.stderr!.on('data', onData);
      watchdog.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`${this.name} exited with ${code}:\n${output.join('')}`));
      });
    });
    watchdog.stdout!.removeAllListeners('data').resume();
    watchdog.stderr!.removeAllListeners('data').resume();
    watchdog.removeAllListeners('exit');
  }

  /** SIGUSR2: kill -9 of the nats-server, no goodbye to clients or peers; SIGTERM: its own shutdown. Resolves once it is gone. */
  async kill(signal: 'SIGUSR2' | 'SIGTERM' = 'SIGUSR2'): Promise<void> {
    const watchdog = this.watchdog;
    if (!watchdog || !this.running) return;
    const exited = once(watchdog, 'exit');
    watchdog.kill(signal);
    await exited;
  }
}

/**
 * A JetStream cluster of the test's own: `size` nats-servers routed to each other on free ports,
 * each with its own store directory, all running the shipped configuration plus the harness's
 * test-admin (as the harness's own server does). `kill(node)` is a kill -9, `stop(node)` a SIGTERM,
 * and `restart(node)` brings it back on the same ports and store; `close()` kills every node and
 * removes the stores.
 */
export class NatsCluster {
  private admin?: NatsConnection;

  private constructor(
    private readonly binary: string,
    private readonly members: Node[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<NatsCluster> {
    const binary = findNatsServer();
    const auth = testNatsAuth();
    if (!binary || auth.mode !== 'nkey') throw new Error('A NATS cluster needs the nats-server binary (on PATH or in /usr/sbin)');
    const adminKey = fromSeed(new TextEncoder().encode(auth.adminSeed)).getPublicKey();
    const dir = mkdtempSync(join(tmpdir(), 'taskflow-nats-cluster-'));
    const members: Node[] = [];
    for (let i = 1; i <= size; i++) {
      const nodeDir = join(dir, `n${i}`);
      mkdirSync(nodeDir);
      // Both files side by side, as shipped: nats-server.conf includes ./auth.conf.
      writeFileSync(join(nodeDir, 'nats-server.conf'), readFileSync(NATS_CONFIG));
      writeFileSync(join(nodeDir, 'auth.conf'), authConfigWithExtraUsers([{ nkey: adminKey }]));
      members.push(new Node(`n${i}`, await freePort(), await freePort(), nodeDir));
    }
    const cluster = new NatsCluster(binary, members, dir);
    try {
      await Promise.all(members.map((node) => cluster.startNode(node)));
      cluster.admin = await connectAs('test-admin', { servers: members.map((node) => node.url), name: 'test-cluster-admin' });
      // JetStream answers once the nodes have elected a meta leader (a few seconds).
      await waitFor(() => jetstreamManager(cluster.admin!, { timeout: 2000 }).then(() => true), 30_000, 'the cluster\'s JetStream');
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Every node's client URL, comma-separated: what NATS_URL is given. */
  get url(): string {
    return this.members.map((node) => node.url).join(',');
  }

  get nodes(): readonly NatsClusterNode[] {
    return this.members;
  }

  node(name: string): NatsClusterNode {
    const node = this.members.find((member) => member.name === name);
    if (!node) throw new Error(`no node ${name} in the cluster`);
    return node;
  }

  async kill(node: NatsClusterNode): Promise<void> {
    await this.member(node).kill();
  }

  /** A graceful stop (SIGTERM), as an orchestrator's rolling restart does. */
  async stop(node: NatsClusterNode): Promise<void> {
    await this.member(node).kill('SIGTERM');
  }

  async restart(node: NatsClusterNode): Promise<void> {
    await this.startNode(this.member(node));
  }

  /** The stream's info as its leader reports it, once it has one (during an election it has none). */
  async streamInfo(stream: string, timeoutMs = 30_000): Promise<StreamInfo> {
    const jsm = await this.manager();
    return waitFor(async () => {
      const info = await jsm.streams.info(stream);
      return info.cluster?.leader ? info : undefined;
    }, timeoutMs, `a leader of stream ${stream}`);
  }

  /** The node leading `stream` now. */
  async streamLeader(stream: string): Promise<NatsClusterNode> {
    return this.node((await this.streamInfo(stream)).cluster!.leader!);
  }

  /** Resolves once `stream` has a leader and every replica is online and caught up. */
  async waitForStreamCurrent(stream: string, timeoutMs = 30_000): Promise<void> {
    const jsm = await this.manager();
    await waitFor(async () => {
      const info = await jsm.streams.info(stream);
      const replicas = info.cluster?.replicas ?? [];
      return !!info.cluster?.leader && replicas.length === this.members.length - 1 && replicas.every((peer) => peer.current && !peer.offline);
    }, timeoutMs, `every replica of ${stream} to be current`);
  }

  /**
   * A JetStream manager that does not ask the server first: right after a kill the admin
   * connection may be reconnecting, or the meta leader being elected; the callers' waits retry.
   */
  private manager(): Promise<JetStreamManager> {
    return jetstreamManager(this.admin!, { timeout: 2000, checkAPI: false });
  }

  async close(): Promise<void> {
    await this.admin?.close().catch(() => undefined);
    await Promise.all(this.members.map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startNode(node: Node): Promise<void> {
    return node.start(
      this.binary,
      this.members.filter((other) => other !== node).map((other) => `nats://127.0.0.1:${other.clusterPort}`),
    );
  }

  private member(node: NatsClusterNode): Node {
    const member = this.members.find((candidate) => candidate.name === node.name);
    if (!member) throw new Error(`no node ${node.name} in the cluster`);
    return member;
  }
}
