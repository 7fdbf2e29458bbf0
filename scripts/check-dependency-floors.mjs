#!/usr/bin/env node
// Fails (exit 1) when an installed package is below the minimum version listed in
// security/dependency-floors.json, naming the package, the version, where it is and the
// advisory. Reads every copy in package-lock.json and the package.json each copy has in
// node_modules, so a stale lockfile or a stale install both fail.
// Usage: node scripts/check-dependency-floors.mjs [--root DIR] [--floors FILE]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** -1, 0 or 1; a pre-release (7.9.1-dev.x) sorts below its release, as in semver. */
export function compareVersions(a, b) {
  const parse = (version) => {
    const [core, pre] = String(version).split('+')[0].split(/-(.*)/s);
    return { parts: core.split('.').map((part) => Number.parseInt(part, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    if ((x.parts[i] ?? 0) !== (y.parts[i] ?? 0)) return (x.parts[i] ?? 0) < (y.parts[i] ?? 0) ? -1 : 1;
  }
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  return 0;
}

/** Every problem found, as one line each; empty when every floor is met. */
export function checkFloors(root, floorsFile) {
  const floors = JSON.parse(readFileSync(floorsFile, 'utf8')).packages;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const problems = [];
  for (const [name, { minimum, advisory }] of Object.entries(floors)) {
    const copies = Object.entries(lock.packages ?? {}).filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`));
    if (copies.length === 0) problems.push(`${name}: listed in ${floorsFile} but not in package-lock.json; remove the entry if it is no longer a dependency`);
    for (const [path, entry] of copies) {
      if (compareVersions(entry.version, minimum) < 0) problems.push(`${name} ${entry.version} at ${path} (package-lock.json) is below ${minimum}: ${advisory}`);
      const installed = join(root, path, 'package.json');
      if (!existsSync(installed)) continue;
      const { version } = JSON.parse(readFileSync(installed, 'utf8'));
      if (compareVersions(version, minimum) < 0) problems.push(`${name} ${version} installed at ${path} is below ${minimum}: ${advisory}`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const root = resolve(option('--root', join(dirname(fileURLToPath(import.meta.url)), '..')));
  const floors = resolve(option('--floors', join(root, 'security/dependency-floors.json')));
  const problems = checkFloors(root, floors);
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  if (problems.length > 0) process.exit(1);
  process.stdout.write(`dependency floors met (${floors})\n`);
}
