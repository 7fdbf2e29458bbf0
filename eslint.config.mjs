// ESLint flat config (`npm run lint`, run by .ci/run before the tests).
// - @nx/enforce-module-boundaries reads the tags in each project.json: apps never import
//   apps, libs never import apps; only the composition root all/ (type:composition, the
//   one-process mode) imports apps, to start them, contracts import no lib (only their validation library),
//   libs/testing only from tests.
// - Type-aware rules that catch bugs tsc lets through: promises nobody awaits or catches,
//   promises handed to callers that ignore them, switches that miss a union member.
// - taskflow/route-access: every gateway route is @Public() or @ApiBearerAuth().
// - taskflow/event-publish: production code publishes an event only from its contract's encode().
// - taskflow/handles-contract: every NATS handler is @Handles(contract), never a bare @MessagePattern.
// tools/eslint/fixtures/ holds code that must FAIL these rules (tools/eslint/lint-rules.spec.ts
// lints it through ESLint's API); it is ignored here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { eventPublishRule } from './tools/eslint/event-publish.mjs';
import { handlesContractRule } from './tools/eslint/handles-contract.mjs';
import { routeAccessRule } from './tools/eslint/route-access.mjs';

const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'];

const taskflow = { meta: { name: 'taskflow' }, rules: { 'route-access': routeAccessRule, 'handles-contract': handlesContractRule, 'event-publish': eventPublishRule } };

/**
 * The libraries contracts may use: class-validator, class-transformer and @nestjs/mapped-types
 * for the request classes, @nestjs/swagger's types for their OpenAPI metadata (recorded, applied
 * by the gateway: libs/contracts/src/openapi.ts); zod for the event schemas (libs/contracts/src/events).
 */
const CONTRACTS_EXTERNALS = ['class-validator', 'class-transformer', '@nestjs/mapped-types', '@nestjs/swagger', 'zod'];

/**
 * Model metadata goes through libs/contracts/src/openapi.ts, whatever the class: a class
 * decorated by @nestjs/swagger directly at load time, extending a contract class whose metadata
 * is applied later, would list only its own properties in the OpenAPI document.
 */
const SWAGGER_MODEL_HELPERS = ['ApiProperty', 'ApiPropertyOptional', 'ApiHideProperty', 'ApiResponseProperty', 'PartialType', 'PickType', 'OmitType', 'IntersectionType'];

/** The top-level projects (apps and the composition root; libs live under libs/), from their project.json. */
const TOP_PROJECTS = readdirSync(import.meta.dirname)
  .filter((dir) => existsSync(`${import.meta.dirname}/${dir}/project.json`))
  .map((dir) => ({ dir, ...JSON.parse(readFileSync(`${import.meta.dirname}/${dir}/project.json`, 'utf8')) }));
/**
 * Nx forbids importing an app outright, whatever the tags; the one exception is a project
 * tagged type:composition (all/, the one-process mode), which may import each app's entry
 * (`#gateway`, `#auth-service`, ... in package.json "imports") to start it.
 */
const COMPOSITION_FILES = TOP_PROJECTS.filter((p) => p.tags?.includes('type:composition')).map((p) => `${p.dir}/**/*.ts`);
const APP_ENTRIES = TOP_PROJECTS.filter((p) => p.tags?.includes('type:app')).map((p) => `#${p.name}`);

/**
 * @param {boolean} tests whether the files are tests (only tests may use libs/testing)
 * @param {string[]} apps app entries these files may import (the composition root's only)
 */
function boundaries(tests, apps = []) {
  const testing = tests ? ['type:testing'] : [];
  return [
    'error',
    {
      // The nats-server launcher is plain JS in scripts/ because `npm start` (scripts/start-stack.mjs) uses it too.
      allow: ['/scripts/lib/local-nats\\.mjs$', ...apps],
      // Only spec files close these loops (a lib's spec uses libs/testing, which uses that lib).
      ignoredCircularDependencies: [
        ['auth', 'testing'],
        ['nats', 'testing'],
      ],
      depConstraints: [
        { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:app', 'type:nest-lib', 'type:config', 'type:contracts', ...testing] },
        { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:nest-lib', 'type:config', 'type:contracts', ...testing] },
        { sourceTag: 'type:nest-lib', onlyDependOnLibsWithTags: ['type:nest-lib', 'type:config', 'type:contracts', ...testing] },
        { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:contracts'] },
        {
          sourceTag: 'type:contracts',
          onlyDependOnLibsWithTags: [],
          allowedExternalImports: [...CONTRACTS_EXTERNALS, ...(tests ? ['@jest/globals'] : [])],
        },
        { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:nest-lib', 'type:config', 'type:contracts'] },
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.nx/', 'tools/eslint/fixtures/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@nx': nx, taskflow },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'taskflow/handles-contract': 'error',
    },
  },
  { files: TESTS, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
  { files: COMPOSITION_FILES, ignores: TESTS, rules: { '@nx/enforce-module-boundaries': boundaries(false, APP_ENTRIES) } },
  {
    files: ['**/*.ts'],
    // The one place that applies the recorded metadata through the real helpers, and its test.
    ignores: ['gateway/src/docs/swagger.ts', 'libs/contracts/src/openapi.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@nestjs/swagger', importNames: SWAGGER_MODEL_HELPERS, allowTypeImports: true, message: "Take it from '#contracts' (libs/contracts/src/openapi.ts): the OpenAPI document is built from recorded metadata." }] },
      ],
    },
  },
  // Every file, not only *.controller.ts: the rule looks for @Controller classes itself.
  { files: ['gateway/src/**/*.ts'], rules: { 'taskflow/route-access': 'error' } },
  // Tests and their helpers (libs/testing) publish hand-made, also malformed, events on purpose, to see consumers refuse them.
  { files: ['**/src/**/*.ts'], ignores: [...TESTS, 'libs/testing/**'], rules: { 'taskflow/event-publish': 'error' } },
);
