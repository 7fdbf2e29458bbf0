import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(ROOT, 'scripts/check-dependency-floors.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });

const scratch = mkdtempSync(join(tmpdir(), 'dependency-floors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project whose lockfile and node_modules hold the given copies of a package. */
function project(name: string, copies: Record<string, string>, floors: Record<string, string>): string[] {
  const root = mkdtempSync(join(scratch, 'project-'));
  const packages: Record<string, { version: string }> = { '': { version: '1.0.0' } };
  for (const [path, version] of Object.entries(copies)) {
    packages[path] = { version };
    mkdirSync(join(root, path), { recursive: true });
    writeFileSync(join(root, path, 'package.json'), JSON.stringify({ name, version }));
  }
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }));
  const floorsFile = join(root, 'floors.json');
  writeFileSync(floorsFile, JSON.stringify({ packages: Object.fromEntries(Object.entries(floors).map(([pkg, minimum]) => [pkg, { minimum, advisory: 'TEST-ADVISORY' }])) }));
  return ['--root', root, '--floors', floorsFile];
}

describe('dependency floors (security/dependency-floors.json)', () => {
  it('are met by this checkout: lockfile and installed node_modules', () => {
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fail, naming the package, where it is and the advisory, when any copy is below its minimum', () => {
    const result = run(...project('mongodb', { 'node_modules/mongodb': '7.9.1', 'node_modules/mongoose/node_modules/mongodb': '7.8.0' }, { mongodb: '7.9.1' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('mongodb 7.8.0 at node_modules/mongoose/node_modules/mongodb (package-lock.json) is below 7.9.1: TEST-ADVISORY');
    expect(result.stderr).not.toContain('at node_modules/mongodb ');
  });

  it('compare versions numerically, pre-releases below their release', () => {
    expect(run(...project('p', { 'node_modules/p': '7.10.0' }, { p: '7.9.1' })).status).toBe(0);
    expect(run(...project('p', { 'node_modules/p': '7.9.1-dev.20260101' }, { p: '7.9.1' })).status).toBe(1);
    expect(run(...project('p', { 'node_modules/p': '6.99.99' }, { p: '7.9.1' })).status).toBe(1);
    expect(run(...project('p', { 'node_modules/p': '8.0.0' }, { p: '7.9.1' })).status).toBe(0);
  });

  it('fail on an entry for a package that is no longer installed, so the list stays true', () => {
    const result = run(...project('p', { 'node_modules/p': '1.0.0' }, { gone: '1.0.0' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/gone: listed in .* but not in package-lock.json/);
  });
});
