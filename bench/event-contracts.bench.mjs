// Per-event cost of the event contracts (libs/contracts/src/events): decoding a message body
// (JSON.parse plus the schema) against JSON.parse alone, for the messages realtime-service and
// events-service receive, and encoding as a producer does. CPU only, one process, no servers.
// `npm run build` first. BENCH_ITERATIONS (default 20000) events per measurement.
import { randomUUID } from 'node:crypto';
import { CommentEventContract, ProjectEventContract, TaskEventContract, TaskStreamContract } from '../dist/libs/contracts/src/index.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const at = new Date().toISOString();
const [owner, a, b] = [randomUUID(), randomUUID(), randomUUID()];
const taskId = randomUUID();
const task = { id: taskId, title: 'Write the quarterly report', description: 'Numbers, charts and a summary. '.repeat(10), status: 'in_progress', priority: 'high', dueDate: at, ownerId: owner, assigneeIds: [a, b], projectId: randomUUID(), version: 4, createdAt: at, updatedAt: at };
const taskEvent = { eventId: randomUUID(), type: 'task.updated', taskId, projectId: task.projectId, actorId: owner, occurredAt: at, task, changes: { status: { from: 'todo', to: 'in_progress' } }, audience: [owner, a, b, ...Array.from({ length: 7 }, () => randomUUID())], requestId: randomUUID() };
const { changes: _changes, ...unchanged } = taskEvent;
const commentEvent = { ...unchanged, type: 'task.commented', comment: { id: randomUUID(), taskId, authorId: a, body: 'Looks good, see the numbers. '.repeat(5), mentionIds: [b], createdAt: at, updatedAt: at, editedAt: null }, newMentionIds: [b] };
const projectEvent = { eventId: randomUUID(), type: 'project.member_added', projectId: task.projectId, actorId: owner, occurredAt: at, project: { id: task.projectId, name: 'Launch', description: 'The launch', ownerId: owner, version: 2, createdAt: at, updatedAt: at }, member: { userId: b, role: 'editor' }, audience: [owner, a, b], requestId: null };

/**
 * Mean CPU microseconds (this process, user + system) per call of fn over ITERATIONS calls,
 * after a warm-up of the same size: CPU time, not wall time, so other processes on a busy
 * machine inflate it less.
 */
function measure(fn) {
  for (let i = 0; i < ITERATIONS; i += 1) fn();
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i += 1) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

const rows = [];
for (const [name, event, contract] of [
  ['task.updated', taskEvent, TaskEventContract],
  ['task.commented', commentEvent, CommentEventContract],
  ['project.member_added', projectEvent, ProjectEventContract],
]) {
  const body = Buffer.from(JSON.stringify(event));
  TaskStreamContract.decode(body);
  const json = measure(() => JSON.parse(body.toString('utf8')));
  const decode = measure(() => TaskStreamContract.decode(body));
  const encode = measure(() => contract.encode(event));
  rows.push({ event: name, bytes: body.length, 'JSON.parse µs': json.toFixed(2), 'decode µs': decode.toFixed(2), 'schema µs': (decode - json).toFixed(2), 'encode µs': encode.toFixed(2) });
}
console.table(rows);
