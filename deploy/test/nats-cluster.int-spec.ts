// docker-compose.nats-cluster.yml's three NATS servers, run for real: each node's command from
// the override, with deploy/nats (cluster.conf, the shipped nats-server.conf and auth.conf) copied
// as it is except for the addresses a single machine needs (the routes' host names become
// 127.0.0.1 and free ports; client, cluster and monitoring ports and the store directory are set
// per node on the command line). Proves the shipped cluster configuration forms a cluster with
// JetStream, and that a role of the shipped auth.conf gets a stream replicated on all three.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import YAML from 'yaml';
import { DEV_NATS_SEEDS, natsInboxPrefix } from '#config';
import { TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX } from '#contracts';
import { eventStreamConfig } from '#outbox';
import { waitFor } from '#testing';
import { findNatsServer, freePort, natsDevEnv } from '../../scripts/lib/local-nats.mjs';
import { read, ROOT } from './facts.js';

interface Node {
  service: string;
  name: string;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  child?: ChildProcess;
  output: string[];
}
interface Jsz {
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number };
}

const override = YAML.parse(read('docker-compose.nats-cluster.yml'), { merge: true }) as { services: Record<string, { command?: string[]; volumes?: string[] }> };
const NODE_SERVICES = Object.keys(override.services).filter((name) => override.services[name]!.command?.includes('-js'));
const MOUNT = override.services[NODE_SERVICES[0]!]!.volumes?.find((v) => v.startsWith('./deploy/nats:'))?.split(':')[1] ?? '/etc/nats/taskflow';

const dir = mkdtempSync(join(tmpdir(), 'taskflow-nats-cluster-'));
const nodes: Node[] = [];
let nc: NatsConnection | undefined;

/** A node's command from the override, its paths and ports moved onto this machine. */
function argsOf(node: Node): string[] {
  const command = [...override.services[node.service]!.command!];
  const set = (flag: string, value: string) => {
    const i = command.indexOf(flag);
    if (i < 0) command.push(flag, value);
    else command[i + 1] = value;
  };
  set('-c', command[command.indexOf('-c') + 1]!.replace(MOUNT, join(dir, 'conf')));
  set('-sd', join(dir, `store-${node.service}`));
  set('-m', String(node.monitorPort));
  return [...command, '-a', '127.0.0.1', '-p', String(node.clientPort), '--cluster', `nats://127.0.0.1:${node.clusterPort}`];
}

async function jsz(node: Node): Promise<Jsz> {
  return (await (await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`)).json()) as Jsz;
}

beforeAll(async () => {
  const binary = findNatsServer();
  if (!binary) throw new Error('needs a nats-server binary (PATH or /usr/sbin): this suite runs the cluster configuration for real');
  expect(NODE_SERVICES).toHaveLength(3);
  for (const service of NODE_SERVICES) {
    const name = override.services[service]!.command![override.services[service]!.command!.indexOf('-n') + 1]!;
    nodes.push({ service, name, clientPort: await freePort(), clusterPort: await freePort(), monitorPort: await freePort(), output: [] });
  }
  cpSync(join(ROOT, 'deploy/nats'), join(dir, 'conf'), { recursive: true });
  const conf = join(dir, 'conf/cluster.conf');
  const routed = readFileSync(conf, 'utf8').replace(/nats-route:\/\/([\w-]+):\d+/g, (route, host: string) => {
    const node = nodes.find((n) => n.service === host);
    if (!node) throw new Error(`cluster.conf routes to ${host}, which is not a server of the override`);
    return `nats-route://127.0.0.1:${node.clusterPort}`;
  });
  writeFileSync(conf, routed);
  for (const node of nodes) {
    node.child = spawn(binary, argsOf(node), { env: { PATH: process.env.PATH ?? '', ...natsDevEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
    node.child.stdout!.on('data', (chunk: Buffer) => node.output.push(String(chunk)));
    node.child.stderr!.on('data', (chunk: Buffer) => node.output.push(String(chunk)));
  }
}, 30_000);

afterAll(async () => {
  await nc?.close();
  for (const node of nodes) node.child?.kill('SIGKILL');
  await Promise.all(nodes.map((node) => (node.child && node.child.exitCode === null && node.child.signalCode === null ? new Promise((done) => node.child!.once('exit', done)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('the compose NATS cluster configuration on three real servers', () => {
  it('forms one JetStream cluster: every server sees the same meta leader among three', async () => {
    const leader = await waitFor(
      async () => {
        const views = await Promise.all(nodes.map(jsz));
        const leaders = new Set(views.map((v) => v.meta_cluster?.leader));
        const complete = views.every((v) => v.meta_cluster?.cluster_size === 3 && v.meta_cluster.leader);
        return complete && leaders.size === 1 ? [...leaders][0] : undefined;
      },
      25_000,
      `a meta leader agreed by the three servers (output: ${nodes.map((n) => n.output.join('').slice(-500)).join('\n')})`,
    );
    expect(nodes.map((n) => n.name)).toContain(leader);
    const names = new Set(nodes.map((n) => n.name));
    expect(names.size).toBe(3);
  }, 30_000);

  it('tasks-service, with its role from the shipped auth.conf, creates TASK_EVENTS on all three servers', async () => {
    nc = await connect({
      servers: nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`),
      authenticator: nkeyAuthenticator(new TextEncoder().encode(DEV_NATS_SEEDS['tasks-service'])),
      inboxPrefix: natsInboxPrefix('tasks-service'),
    });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ ...eventStreamConfig(TASK_EVENTS_STREAM, TASK_EVENTS_SUBJECT_PREFIX), num_replicas: 3 });
    const info = await waitFor(
      async () => {
        const i = await jsm.streams.info(TASK_EVENTS_STREAM);
        return i.cluster?.leader && i.cluster.replicas?.length === 2 && i.cluster.replicas.every((r) => r.current) ? i : undefined;
      },
      15_000,
      'the stream leader and two current replicas',
    );
    expect(info.config.num_replicas).toBe(3);
    expect(new Set([info.cluster!.leader, ...info.cluster!.replicas!.map((r) => r.name)])).toEqual(new Set(nodes.map((n) => n.name)));
  }, 30_000);
});
