#!/usr/bin/env node
// realtime-service cost per event (issue 12). Starts its own processes and prints, per build:
// realtime-service's CPU-ms per event (utime + stime from /proc/<pid>/stat of every replica,
// summed) and events/s, at BENCH_SOCKETS connected Socket.IO clients.
//
// Each round starts a private nats-server (the shipped configuration, nkey auth), a private
// redis-server (the adapter's pub/sub channels are global to a Redis server, so a shared one
// would mix in other stacks' traffic) and BENCH_REPLICAS realtime-service replicas from a
// build's dist/. It connects BENCH_SOCKETS clients (100 users, each with BENCH_SOCKETS / 100
// sockets: 4 admins and 96 members; 8 projects of 12 members), spread over the replicas, and subscribes some of them
// to tasks (task:subscribe, answered by a stand-in for tasks-service). Then it publishes, as
// tasks-service does, BENCH_EVENTS events to TASK_EVENTS in one burst — a mix of updates and
// creations of personal tasks (owner + assignee), updates of project tasks (the members),
// comments on both, and project updates — and waits until every socket got every event it
// should: exactly once, and no event it should not (checked; a mismatch fails the bench).
// CPU is read just before the burst and once the last expected event arrived; events/s is
// the burst's events over that time. A warm-up burst (BENCH_EVENTS / 5) runs first.
//
// With BENCH_BASELINE_ROOT (a directory holding another build's dist/ and package.json, and
// node_modules), rounds alternate baseline and this build, BENCH_ROUNDS each, and the ratio
// of the medians is printed: compare builds within one run, the machine is shared.
//
// Usage: npm run bench:realtime            (builds first)
//        node bench/realtime.bench.mjs     (needs an up-to-date build)
// Env:   BENCH_SOCKETS (1000), BENCH_EVENTS (2000), BENCH_REPLICAS (2), BENCH_ROUNDS (2),
//        BENCH_BASELINE_ROOT, BENCH_CPU_PROFILE_DIR (run this build's replicas with
//        --cpu-prof, profiles written there).
// Needs nats-server and redis-server on PATH (or BENCH_NATS_SERVER, BENCH_REDIS_SERVER).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { BenchProcess, benchProcesses, HOST, connected, fmt, freePort, intSetting, natsAs, poll, realtimeClient, startPrivateNats, startPrivateRedis } from './lib.mjs';
import { AccessTokenSigner, AccessTokenVerifier } from '#auth';
import { DEVELOPMENT_SIGNING_KEY, publicHalf } from '#config';
import {
  TASK_EVENTS_STREAM,
  TASK_EVENTS_STREAM_SUBJECTS,
  TasksContract,
  commentEventSubject,
  projectEventSubject,
  taskEventSubject,
} from '#contracts';
import { ACCESS_TOKEN_HEADER } from '#nats';
import { eventStreamConfig } from '#outbox';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_MS = 60_000;
const USERS = 100;
const ADMINS = 4;
const MEMBERS = USERS - ADMINS;
const PROJECTS = 8;
const MEMBERS_PER_PROJECT = 12;
const PERSONAL_TASKS = 64;
const PROJECT_TASKS = 64;

const settings = {
  sockets: intSetting('BENCH_SOCKETS', process.env.BENCH_SOCKETS, 1000, USERS * 2, 10_000),
  events: intSetting('BENCH_EVENTS', process.env.BENCH_EVENTS, 2000, 50, 100_000),
  replicas: intSetting('BENCH_REPLICAS', process.env.BENCH_REPLICAS, 2, 1, 4),
  rounds: intSetting('BENCH_ROUNDS', process.env.BENCH_ROUNDS, 2, 1, 10),
  baselineRoot: process.env.BENCH_BASELINE_ROOT ? resolve(process.env.BENCH_BASELINE_ROOT) : undefined,
  profileDir: process.env.BENCH_CPU_PROFILE_DIR ? resolve(process.env.BENCH_CPU_PROFILE_DIR) : undefined,
};
if (settings.sockets % USERS !== 0) throw new Error(`BENCH_SOCKETS must be a multiple of ${USERS}`);
const SOCKETS_PER_USER = settings.sockets / USERS;

// ---------------------------------------------------------------- processes

function startNats() {
  return startPrivateNats('taskflow-bench-realtime-', STARTUP_MS);
}

function startRedis() {
  return startPrivateRedis(STARTUP_MS);
}

async function startReplica(distRoot, natsUrl, redisUrl, profile) {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', NATS_URL: natsUrl, REDIS_URL: redisUrl, PORT: String(port) };
  const args = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : []), resolve(distRoot, 'dist/realtime-service/src/main.js')];
  const proc = new BenchProcess(`realtime-service:${port}`, process.execPath, args, env, distRoot);
  const baseUrl = `http://${HOST}:${port}`;
  await poll(`realtime-service on ${port}`, async () => (await fetch(`${baseUrl}/health/ready`)).status === 200 || 'not ready', STARTUP_MS);
  return { proc, baseUrl };
}

// ---------------------------------------------------------------- clients, tokens, tasks-service's stand-in

const PUBLIC_KEYS = [publicHalf(DEVELOPMENT_SIGNING_KEY)];
const signer = new AccessTokenSigner({ publicKeys: PUBLIC_KEYS, ttlSeconds: 900, signingKey: DEVELOPMENT_SIGNING_KEY });

/** A token as auth-service signs it, with the development key the services run with outside production. */
function mintUser(role) {
  const claims = { sub: randomUUID(), role, sid: randomUUID() };
  return { id: claims.sub, role, token: signer.sign(claims) };
}

/** Answers `tasks.get` for the token's user as tasks-service would (task:subscribe asks it). */
function tasksStandIn(nc, find) {
  const verifier = new AccessTokenVerifier({ publicKeys: PUBLIC_KEYS, ttlSeconds: 900 });
  nc.subscribe(TasksContract.get.subject, {
    queue: 'tasks-service',
    callback: (_error, message) => {
      const packet = message.json();
      const caller = verifier.verify(message.headers?.get(ACCESS_TOKEN_HEADER) ?? '');
      const task = caller && find(caller, packet.data.taskId);
      const outcome = task ? { response: task } : { err: { code: 'NOT_FOUND', message: 'Task not found' } };
      message.respond(JSON.stringify({ ...outcome, isDisposed: true, id: packet.id }));
    },
  });
}

// ---------------------------------------------------------------- the world: users, projects, tasks

function world() {
  const admins = Array.from({ length: ADMINS }, () => mintUser('admin'));
  const members = Array.from({ length: MEMBERS }, () => mintUser('member'));
  const projects = Array.from({ length: PROJECTS }, (_, p) => ({
    id: randomUUID(),
    members: members.slice(p * MEMBERS_PER_PROJECT, (p + 1) * MEMBERS_PER_PROJECT).map((m) => m.id),
  }));
  const at = new Date().toISOString();
  const task = (ownerId, assigneeIds, projectId, i) => ({
    id: randomUUID(),
    title: `Bench task ${i}`,
    description: 'A task of bench/realtime.bench.mjs, about as long as a real description.',
    status: 'in_progress',
    priority: 'high',
    dueDate: null,
    ownerId,
    assigneeIds,
    projectId,
    version: 1,
    createdAt: at,
    updatedAt: at,
  });
  const personal = Array.from({ length: PERSONAL_TASKS }, (_, i) => task(members[(i * 7) % MEMBERS].id, [members[(i * 13 + 5) % MEMBERS].id], null, i));
  const inProjects = Array.from({ length: PROJECT_TASKS }, (_, i) => {
    const project = projects[i % PROJECTS];
    return task(project.members[i % MEMBERS_PER_PROJECT], [project.members[(i + 1) % MEMBERS_PER_PROJECT]], project.id, i);
  });
  const tasks = new Map([...personal, ...inProjects].map((t) => [t.id, t]));
  const projectOf = new Map(projects.map((p) => [p.id, p]));
  const canSee = (user, t) => user.role === 'admin' || t.ownerId === user.id || t.assigneeIds.includes(user.id) || (t.projectId !== null && projectOf.get(t.projectId).members.includes(user.id));
  return { admins, members, users: [...admins, ...members], projects, personal, inProjects, tasks, canSee };
}

/** The i-th event of a burst, and the users whose sockets must get it (besides admins and subscribers). */
function nextEvent(w, i) {
  const at = new Date().toISOString();
  const base = { eventId: randomUUID(), occurredAt: at, requestId: randomUUID() };
  const kind = i % 20;
  if (kind < 8 || kind === 18) {
    const t = w.personal[i % PERSONAL_TASKS];
    return { subject: taskEventSubject('task.updated'), taskId: t.id, projectId: null, event: { ...base, type: 'task.updated', taskId: t.id, actorId: t.ownerId, task: t, changes: { status: { from: 'todo', to: 'in_progress' } }, audience: [t.ownerId, ...t.assigneeIds] } };
  }
  if (kind < 14) {
    const t = w.inProjects[i % PROJECT_TASKS];
    const audience = [...new Set([t.ownerId, ...t.assigneeIds, ...w.projects.find((p) => p.id === t.projectId).members])];
    return { subject: taskEventSubject('task.updated'), taskId: t.id, projectId: t.projectId, event: { ...base, type: 'task.updated', taskId: t.id, projectId: t.projectId, actorId: t.ownerId, task: t, changes: { priority: { from: 'low', to: 'high' } }, audience } };
  }
  if (kind < 17) {
    const t = kind === 16 ? w.inProjects[i % PROJECT_TASKS] : w.personal[i % PERSONAL_TASKS];
    const audience = t.projectId ? [...new Set([t.ownerId, ...t.assigneeIds, ...w.projects.find((p) => p.id === t.projectId).members])] : [t.ownerId, ...t.assigneeIds];
    const comment = { id: randomUUID(), taskId: t.id, authorId: t.ownerId, body: `Comment ${i} of the realtime bench`, mentionIds: [], createdAt: at, updatedAt: at, editedAt: null };
    return { subject: commentEventSubject('task.commented'), taskId: t.id, projectId: t.projectId, event: { ...base, type: 'task.commented', taskId: t.id, projectId: t.projectId, actorId: t.ownerId, task: t, comment, newMentionIds: [], audience } };
  }
  if (kind === 17) {
    const owner = w.members[i % MEMBERS];
    const t = { ...w.personal[0], id: randomUUID(), ownerId: owner.id, assigneeIds: [], title: `Created ${i}` };
    return { subject: taskEventSubject('task.created'), taskId: t.id, projectId: null, event: { ...base, type: 'task.created', taskId: t.id, actorId: owner.id, task: t, audience: [owner.id] } };
  }
  const project = w.projects[i % PROJECTS];
  const snapshot = { id: project.id, name: `Project ${i}`, description: 'bench', ownerId: project.members[0], version: i, createdAt: at, updatedAt: at };
  return { subject: projectEventSubject('project.updated'), project: true, event: { ...base, type: 'project.updated', projectId: project.id, actorId: project.members[0], project: snapshot, changes: { name: { from: 'Old', to: snapshot.name } }, audience: project.members } };
}

// ---------------------------------------------------------------- one round

async function round(label, distRoot, profile) {
  const [nats, redis] = [await startNats(), await startRedis()];
  const clients = [];
  const replicas = [];
  try {
    const nc = await natsAs(nats.url, 'tasks-service', 'bench-realtime');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ ...eventStreamConfig(TASK_EVENTS_STREAM, 'tasks.events'), subjects: [...TASK_EVENTS_STREAM_SUBJECTS] });
    const js = jetstream(nc);
    const w = world();
    tasksStandIn(nc, (caller, taskId) => {
      const t = w.tasks.get(taskId);
      return t && w.canSee(w.users.find((u) => u.id === caller.id), t) ? t : undefined;
    });
    for (let r = 0; r < settings.replicas; r += 1) replicas.push(await startReplica(distRoot, nats.url, redis.url, profile));
    // The consumer starts at new messages: it must exist before the first event. Only realtime-service may look at it.
    const asRealtime = await natsAs(nats.url, 'realtime-service', 'bench-realtime');
    const realtimeJsm = await jetstreamManager(asRealtime);
    await poll('the realtime-service consumer', async () => !!(await realtimeJsm.consumers.info(TASK_EVENTS_STREAM, 'realtime-service')), STARTUP_MS);
    await asRealtime.close();

    // Sockets: SOCKETS_PER_USER per user, round-robin over the replicas; each counts what it receives per eventId.
    let received = 0;
    const socketsOf = new Map();
    for (const user of w.users) {
      for (let k = 0; k < SOCKETS_PER_USER; k += 1) {
        const client = { user, socket: realtimeClient(replicas[clients.length % replicas.length].baseUrl, user.token), got: new Map(), subscribed: new Set() };
        client.socket.onAny((_name, payload) => {
          const id = payload?.eventId;
          client.got.set(id, (client.got.get(id) ?? 0) + 1);
          received += 1;
        });
        clients.push(client);
        socketsOf.set(user.id, [...(socketsOf.get(user.id) ?? []), client]);
      }
    }
    process.stdout.write(`[bench] ${label}: ${settings.replicas} replicas up; connecting ${clients.length} sockets… `);
    for (let start = 0; start < clients.length; start += 100) await Promise.all(clients.slice(start, start + 100).map((c) => connected(c.socket)));

    // Subscribers: the owner's and the assignee's first socket of each task, and one admin socket of each personal task.
    const subscriptions = [];
    for (const t of [...w.personal, ...w.inProjects]) {
      for (const userId of [t.ownerId, ...t.assigneeIds]) subscriptions.push([socketsOf.get(userId)[0], t]);
      if (!t.projectId) subscriptions.push([socketsOf.get(w.admins[0].id)[1], t]);
    }
    for (const [client, t] of subscriptions) {
      const ack = await client.socket.emitWithAck('task:subscribe', { taskId: t.id });
      if (!ack.ok) throw new Error(`task:subscribe refused: ${JSON.stringify(ack)}`);
      client.subscribed.add(t.id);
    }

    console.log('connected');
    const adminSockets = w.admins.flatMap((a) => socketsOf.get(a.id));
    const burst = async (count, offset) => {
      const expected = new Map();
      let total = 0;
      const events = Array.from({ length: count }, (_, k) => nextEvent(w, offset + k));
      for (const e of events) {
        const to = new Set(adminSockets);
        for (const userId of e.event.audience) for (const c of socketsOf.get(userId) ?? []) to.add(c);
        // A project task's events never go to its subscriber room (SPEC: realtime, README): members get them through their own rooms.
        if (!e.project && !e.projectId) for (const c of clients) if (c.subscribed.has(e.taskId)) to.add(c);
        expected.set(e.event.eventId, to);
        total += to.size;
      }
      const startReceived = received;
      const cpuBefore = replicas.map((r) => r.proc.cpuMs());
      const startedAt = performance.now();
      for (let start = 0; start < events.length; start += 200) {
        await Promise.all(events.slice(start, start + 200).map((e) => js.publish(e.subject, JSON.stringify(e.event), { msgID: e.event.eventId })));
      }
      await poll(`${total} socket events`, async () => received - startReceived >= total || `${received - startReceived} of ${total}`, 300_000);
      const seconds = (performance.now() - startedAt) / 1000;
      const cpuMs = replicas.map((r, k) => r.proc.cpuMs() - cpuBefore[k]).reduce((a, b) => a + b, 0);
      // Late duplicates or strays would show up here: give them a moment of the machine's time to arrive.
      await new Promise((done) => setTimeout(done, 300));
      verify(clients, expected);
      return { cpuMs, seconds, deliveries: total };
    };

    await burst(Math.max(50, Math.round(settings.events / 5)), 0);
    const r = await burst(settings.events, settings.events);
    const result = { label, cpuPerEvent: r.cpuMs / settings.events, rate: settings.events / r.seconds, deliveries: r.deliveries, cpuMs: r.cpuMs, seconds: r.seconds };
    console.log(`[bench] ${label.padEnd(8)} ${fmt(result.cpuPerEvent, 3)} CPU-ms/event, ${fmt(result.rate)} events/s (${settings.events} events, ${r.deliveries} socket deliveries, ${fmt(r.cpuMs, 0)} CPU-ms in ${fmt(r.seconds, 2)} s)`);
    await nc.close();
    return result;
  } catch (error) {
    for (const r of replicas) console.error(`--- ${r.proc.name}\n${r.proc.lines.slice(-15).join('\n')}`);
    throw error;
  } finally {
    for (const c of clients) c.socket.disconnect();
    await Promise.all(replicas.map((r) => r.proc.stop()));
    await redis.stop();
    await nats.stop();
  }
}

/** Every socket got exactly the events meant for it, each once. */
function verify(clients, expected) {
  for (const c of clients) {
    for (const [eventId, to] of expected) {
      const n = c.got.get(eventId) ?? 0;
      if (n !== (to.has(c) ? 1 : 0)) throw new Error(`socket of ${c.user.role} ${c.user.id} got event ${eventId} ${n} times, expected ${to.has(c) ? 1 : 0}`);
    }
  }
}

// ---------------------------------------------------------------- main

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  console.log(
    `[bench] cpus=${os.cpus().length} sockets=${settings.sockets} events=${settings.events} replicas=${settings.replicas} rounds=${settings.rounds} baseline=${settings.baselineRoot ?? 'none'}`,
  );
  const builds = [...(settings.baselineRoot ? [{ label: 'baseline', root: settings.baselineRoot }] : []), { label: 'current', root: ROOT }];
  const results = new Map(builds.map((b) => [b.label, []]));
  for (let n = 0; n < settings.rounds; n += 1) {
    for (const build of builds) results.get(build.label).push(await round(build.label, build.root, settings.profileDir !== undefined && build.label === 'current'));
  }
  console.log('\n[bench] results (shared 2-core machine: compare ratios within one run; medians of the rounds)');
  const summary = new Map();
  for (const [label, rounds] of results) {
    const s = { cpu: median(rounds.map((r) => r.cpuPerEvent)), rate: median(rounds.map((r) => r.rate)) };
    summary.set(label, s);
    console.log(`  ${label.padEnd(8)} ${fmt(s.cpu, 3)} CPU-ms/event (rounds: ${rounds.map((r) => fmt(r.cpuPerEvent, 3)).join(', ')}), ${fmt(s.rate)} events/s`);
  }
  if (summary.has('baseline')) {
    const [b, c] = [summary.get('baseline'), summary.get('current')];
    console.log(`  current / baseline: CPU per event ${fmt(c.cpu / b.cpu, 2)}×, events/s ${fmt(c.rate / b.rate, 2)}×`);
  }
}

const stopEverything = () => Promise.all([...benchProcesses].map((p) => p.stop('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopEverything().then(() => process.exit(130)));
main().then(
  async () => {
    await stopEverything();
    process.exit(0);
  },
  async (error) => {
    console.error(`[bench] failed: ${error.stack ?? error}`);
    for (const p of benchProcesses) console.error(`--- ${p.name}\n${p.lines.slice(-15).join('\n')}`);
    await stopEverything();
    process.exit(1);
  },
);
