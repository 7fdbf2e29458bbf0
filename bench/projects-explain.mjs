// The task list query at project scale: seeds 100,000 tasks in 1,000 projects (a reader in 50
// of them) into a database of its own, then prints EXPLAIN ANALYZE timings of the list query
// as tasks-service builds it (from dist/), for the sorts and filters clients use. Exits 1 if a
// plan scans the tasks table sequentially. Build first: `npm run build && node bench/projects-explain.mjs`.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { CreateTasks1765000000000 } from '../dist/tasks-service/src/database/migrations/1765000000000-create-tasks.js';
import { CreateIdempotencyKeys1766000000000 } from '../dist/tasks-service/src/database/migrations/1766000000000-create-idempotency-keys.js';
import { CheckDeadlineAtCommit1767000000000 } from '../dist/tasks-service/src/database/migrations/1767000000000-check-deadline-at-commit.js';
import { CreateProjects1768000000000 } from '../dist/tasks-service/src/database/migrations/1768000000000-create-projects.js';
import { buildListSql, normalizeListQuery } from '../dist/tasks-service/src/tasks/list-query.js';
import { intSetting } from './lib.mjs';

const TASKS = intSetting('BENCH_TASKS', process.env.BENCH_TASKS, 100_000, 1_000, 10_000_000);
const PROJECTS = intSetting('BENCH_PROJECTS', process.env.BENCH_PROJECTS, 1_000, 10, 100_000);
const MY_PROJECTS = intSetting('BENCH_MY_PROJECTS', process.env.BENCH_MY_PROJECTS, 50, 1, PROJECTS);
const USERS = 2_000;
const REPEATS = 5;
const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/taskflow_bench_projects');
const database = url.pathname.slice(1);

async function recreateDatabase() {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

async function migrate() {
  const dataSource = new DataSource({
    type: 'postgres',
    url: url.toString(),
    migrations: [CreateTasks1765000000000, CreateIdempotencyKeys1766000000000, CheckDeadlineAtCommit1767000000000, CreateProjects1768000000000],
    logging: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
}

/** Users u0..; projects with 5 members each; the reader in MY_PROJECTS of them; tasks spread over projects and none. */
async function seed(db, me) {
  await db.query(`CREATE TEMP TABLE bench_users AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1 - 1) n`, [USERS]);
  await db.query(`
    INSERT INTO projects (id, name, owner_id, created_at, updated_at)
    SELECT gen_random_uuid(), 'Project ' || n, (SELECT id FROM bench_users WHERE bench_users.n = p.n % $2), now(), now()
      FROM generate_series(0, $1 - 1) AS p(n)`, [PROJECTS, USERS]);
  await db.query(`CREATE TEMP TABLE bench_projects AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM projects`);
  await db.query(`
    INSERT INTO project_members (project_id, user_id, role)
    SELECT p.id, u.id, CASE WHEN k = 0 THEN 'manager' WHEN k < 3 THEN 'editor' ELSE 'viewer' END
      FROM bench_projects p CROSS JOIN generate_series(0, 4) k JOIN bench_users u ON u.n = (p.n * 7 + k * 131) % $1
    ON CONFLICT DO NOTHING`, [USERS]);
  // The reader: a viewer of every (PROJECTS / MY_PROJECTS)-th project (odd ones: every tenth task has no project).
  await db.query(`
    INSERT INTO project_members (project_id, user_id, role)
    SELECT id, $1::uuid, 'viewer' FROM bench_projects WHERE n % ($2::int / $3::int) = 1 LIMIT $3::int`, [me, PROJECTS, MY_PROJECTS]);
  // Nine in ten tasks in a project, one in ten in none; a hundred owned by the reader.
  await db.query(`
    INSERT INTO tasks (title, description, status, priority, due_date, owner_id, project_id, created_at, updated_at)
    SELECT 'Task ' || n, 'About task ' || n,
           (ARRAY['todo','in_progress','done'])[1 + n % 3], (ARRAY['low','medium','high','urgent'])[1 + n % 4],
           CASE WHEN n % 5 = 0 THEN NULL ELSE now() + (n % 365) * interval '1 day' END,
           CASE WHEN n % ($1::int / 100) = 0 THEN $2::uuid ELSE (SELECT id FROM bench_users WHERE bench_users.n = t.n % $3::int) END,
           CASE WHEN n % 10 = 0 THEN NULL ELSE (SELECT id FROM bench_projects WHERE bench_projects.n = t.n % $4::int) END,
           now() - n * interval '1 second', now() - n * interval '1 second'
      FROM generate_series(0, $1::int - 1) AS t(n)`, [TASKS, me, USERS, PROJECTS]);
  // Fifty tasks assigned to the reader, one assignee on every tenth task otherwise.
  await db.query(`INSERT INTO task_assignments (task_id, user_id) SELECT id, $1 FROM tasks WHERE project_id IS NULL ORDER BY id LIMIT 50`, [me]);
  await db.query(`INSERT INTO task_assignments (task_id, user_id) SELECT id, owner_id FROM tasks TABLESAMPLE SYSTEM (10) ON CONFLICT DO NOTHING`);
  await db.query('ANALYZE');
}

/** Every node of a JSON plan. */
function* nodes(plan) {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodes(child);
}

async function explain(db, name, query, actor) {
  const normalized = normalizeListQuery(query, actor);
  const { sql, params } = buildListSql(normalized, actor, undefined, normalized.limit + 1);
  const timings = [];
  let plan;
  for (let i = 0; i < REPEATS; i += 1) {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
    const [result] = rows[0]['QUERY PLAN'];
    plan = result.Plan;
    timings.push({ execution: result['Execution Time'], planning: result['Planning Time'], rows: plan['Actual Rows'] });
  }
  const seqScans = [...nodes(plan)].filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'tasks');
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const indexes = [...new Set([...nodes(plan)].map((node) => node['Index Name']).filter(Boolean))];
  return {
    name,
    rows: timings.at(-1).rows,
    executionMs: median(timings.map((t) => t.execution)),
    planningMs: median(timings.map((t) => t.planning)),
    seqScanOnTasks: seqScans.length > 0,
    indexes,
  };
}

async function main() {
  const started = Date.now();
  await recreateDatabase();
  await migrate();
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const me = randomUUID();
  try {
    await seed(db, me);
    const counts = (await db.query(`SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM projects) AS projects,
      (SELECT count(*) FROM project_members WHERE user_id = $1) AS mine,
      (SELECT count(*) FROM tasks t JOIN project_members m ON m.project_id = t.project_id AND m.user_id = $1) AS visible_in_projects`, [me])).rows[0];
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

    const member = { id: me, role: 'member' };
    const aProject = (await db.query('SELECT project_id FROM project_members WHERE user_id = $1 LIMIT 1', [me])).rows[0].project_id;
    const scenarios = [
      ['member, createdAt desc (default)', {}],
      ['member, updatedAt desc', { sort: 'updatedAt' }],
      ['member, priority desc', { sort: 'priority' }],
      ['member, dueDate asc', { sort: 'dueDate', order: 'asc' }],
      ['member, status=todo', { status: ['todo'] }],
      ['member, q=task 12', { q: 'task 12' }],
      ['member, projectId=<one of theirs>', { projectId: aProject }],
      ['member, projectId=none', { projectId: 'none' }],
      ['member, assigneeId=me', { assigneeId: 'me' }],
      ['admin, createdAt desc', {}, { id: randomUUID(), role: 'admin' }],
    ];
    const results = [];
    for (const [name, query, actor] of scenarios) results.push(await explain(db, name, { limit: 20, ...query }, actor ?? member));
    console.log(`\n${'scenario'.padEnd(36)} ${'rows'.padStart(4)} ${'exec ms'.padStart(8)} ${'plan ms'.padStart(8)}  seq scan on tasks  indexes`);
    for (const r of results) {
      console.log(`${r.name.padEnd(36)} ${String(r.rows).padStart(4)} ${r.executionMs.toFixed(2).padStart(8)} ${r.planningMs.toFixed(2).padStart(8)}  ${(r.seqScanOnTasks ? 'YES' : 'no').padEnd(17)}  ${r.indexes.join(', ')}`);
    }
    console.log(`\n(median of ${REPEATS} EXPLAIN ANALYZE runs each; the machine may be shared, compare rows within one run)`);
    if (results.some((r) => r.seqScanOnTasks)) {
      console.error('A plan scans tasks sequentially.');
      process.exitCode = 1;
    }
  } finally {
    await db.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
