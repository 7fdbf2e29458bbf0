// Tests (and `nx serve`) run the compiled services in dist/, so an edit not yet compiled would
// be tested as the old code. ensureFreshBuild() compares the sources that tsconfig.build.json
// compiles with the time of the last build and, when any is newer, builds (tsc is incremental:
// seconds when little changed) or fails with the compiler's output.
// The time of the last build: dist/.build-stamp, written here after a successful build with
// the time the build STARTED (an edit made during the build stays newer), or else
// dist/.tsbuildinfo, which `npm run build` (plain tsc) rewrites whenever it emits.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSCONFIG = 'tsconfig.build.json';
const STAMP = 'dist/.build-stamp';
const BUILD_INFO = 'dist/.tsbuildinfo';

function mtimeMs(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** The directories tsconfig.build.json includes, with a one-level `*` expanded (libs/ * /src). */
function includedDirs(root, config) {
  return config.include.flatMap((pattern) => {
    const [before, after] = pattern.split('/*/');
    if (after === undefined) return [join(root, pattern)];
    const parent = join(root, before);
    return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name, after)) : [];
  });
}

/** Every compiled .ts file (specs and excluded folders left out) and the tsconfig files. */
export function buildSources(root = ROOT) {
  const config = JSON.parse(readFileSync(join(root, TSCONFIG), 'utf8'));
  const excludedDirs = config.exclude.filter((pattern) => !pattern.includes('*')).map((pattern) => join(root, pattern));
  const files = [join(root, 'tsconfig.json'), join(root, TSCONFIG)];
  const walk = (dir) => {
    if (!existsSync(dir) || excludedDirs.some((excluded) => dir === excluded || dir.startsWith(`${excluded}/`))) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(path);
    }
  };
  includedDirs(root, config).forEach(walk);
  return files;
}

/** Sources changed since the last build, relative to `root` (all of them when there is none). */
export function staleSources(root = ROOT) {
  const builtAt = Math.max(mtimeMs(join(root, STAMP)), mtimeMs(join(root, BUILD_INFO)));
  return buildSources(root)
    .filter((file) => mtimeMs(file) > builtAt)
    .map((file) => relative(root, file));
}

/** Builds when a source is newer than dist/; throws with tsc's output when the build fails. */
export function ensureFreshBuild({ root = ROOT, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const stale = staleSources(root);
  if (stale.length === 0) return;
  log(`[build] dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''}): building`);
  const startedAt = new Date();
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', TSCONFIG], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) {
    const output = `${tsc.stdout ?? ''}${tsc.stderr ?? ''}${tsc.error ? String(tsc.error) : ''}`.trim();
    throw new Error(`dist/ is stale and the build failed, so the tests would run old code. Fix the errors, then run \`npm run build\`:\n${output}`);
  }
  writeFileSync(join(root, STAMP), `${startedAt.toISOString()}\n`);
  utimesSync(join(root, STAMP), startedAt, startedAt);
}

// `node scripts/lib/fresh-build.mjs` (each app's `nx serve`): build only if stale, exit 1 on a failed build.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureFreshBuild();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
