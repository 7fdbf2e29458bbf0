// Lints each file under tools/eslint/fixtures/ with the workspace's own eslint.config.mjs, as if
// it stood at the same path in the workspace (fixtures/auth-service/src/x.ts is linted as
// auth-service/src/x.ts, so the boundaries rule sees an auth-service file), and prints
// {"<path>": [{"rule", "message"}, ...]} as JSON. Run by lint-rules.spec.ts in a process of its own.
// The fixtures are not on disk where they are linted, so the type-aware parser opens them in
// its default project (tsconfig.json's options), and ESLint's ignore list (which skips the
// fixtures in `npm run lint`) is turned off.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'tools/eslint/fixtures');

const fixtures = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => join(entry.parentPath, entry.name));
const standsFor = (file) => relative(FIXTURES, file);

// The boundaries rule reads Nx's cached project graph (and skips itself without one).
await createProjectGraphAsync({ exitOnError: true });

const eslint = new ESLint({
  cwd: ROOT,
  ignore: false,
  overrideConfig: {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: fixtures.map(standsFor),
          defaultProject: 'tsconfig.json',
          // A handful of small files; the cap guards against globs that sweep up a whole tree.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: fixtures.length,
        },
      },
    },
  },
});

const found = {};
for (const file of fixtures) {
  const [result] = await eslint.lintText(readFileSync(file, 'utf8'), { filePath: join(ROOT, standsFor(file)) });
  found[standsFor(file)] = result.messages.map(({ ruleId, message }) => ({ rule: ruleId ?? 'fatal', message }));
}
process.stdout.write(`${JSON.stringify(found)}\n`);
