import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ensureFreshBuild, ROOT, staleSources } from './fresh-build.mjs';

// A workspace in miniature: the same tsconfig.build.json shape (apps' src, libs/*/src, specs
// and libs/testing left out) and the real TypeScript, linked from this workspace.
let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const age = (path: string, secondsAgo: number) => {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(root, path), when, when);
};
const quiet = () => undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fresh-build-'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, outDir: 'dist', rootDir: '.', types: [] } }));
  write(
    'tsconfig.build.json',
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['app/src', 'libs/*/src'],
      exclude: ['node_modules', 'dist', '**/*.spec.ts', 'libs/testing'],
    }),
  );
  write('app/src/main.ts', 'export const answer: number = 42;\n');
  write('libs/util/src/index.ts', 'export const unit = "ms";\n');
  write('libs/util/src/index.spec.ts', 'export {};\n');
  write('libs/testing/src/index.ts', 'export {};\n');
  for (const path of ['tsconfig.json', 'tsconfig.build.json', 'app/src/main.ts', 'libs/util/src/index.ts', 'libs/util/src/index.spec.ts', 'libs/testing/src/index.ts']) age(path, 60);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('fresh-build', () => {
  it('builds a workspace that was never built, then finds nothing stale', () => {
    expect(staleSources(root).sort()).toEqual(['app/src/main.ts', 'libs/util/src/index.ts', 'tsconfig.build.json', 'tsconfig.json']);
    ensureFreshBuild({ root, log: quiet });
    expect(existsSync(join(root, 'dist/app/src/main.js'))).toBe(true);
    expect(staleSources(root)).toEqual([]);
  }, 60000);

  it('names only the sources edited since the build (specs and libs/testing are not compiled)', () => {
    ensureFreshBuild({ root, log: quiet });
    write('libs/util/src/index.ts', 'export const unit = "s";\n');
    write('libs/util/src/index.spec.ts', 'export const changed = true;\n');
    write('libs/testing/src/index.ts', 'export const changed = true;\n');
    expect(staleSources(root)).toEqual(['libs/util/src/index.ts']);
  }, 60000);

  it('rebuilds after an edit, so dist/ holds the edited code', () => {
    ensureFreshBuild({ root, log: quiet });
    write('app/src/main.ts', 'export const answer: number = 43;\n');
    const lines: string[] = [];
    ensureFreshBuild({ root, log: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/older than 1 source file\(s\) \(app\/src\/main\.ts\): building/);
    expect(readFileSync(join(root, 'dist/app/src/main.js'), 'utf8')).toMatch(/answer = 43/);
    expect(staleSources(root)).toEqual([]);
  }, 60000);

  it('fails with the compiler output when the build fails', () => {
    write('app/src/main.ts', 'export const answer: number = "forty-two";\n');
    expect(() => ensureFreshBuild({ root, log: quiet })).toThrow(/dist\/ is stale and the build failed[\s\S]*app\/src\/main\.ts.*TS2322/);
  }, 60000);
});
