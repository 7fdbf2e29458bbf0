import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';

// The lint rules bite: each fixture under tools/eslint/fixtures/ breaks one rule, linted by the
// workspace's eslint.config.mjs as if it stood at the same path in the workspace.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Finding {
  rule: string;
  message: string;
}

let findings: Record<string, Finding[]>;

beforeAll(async () => {
  // A process of its own: ESLint loads its config and plugins with Node's loader, not Jest's.
  const { stdout } = await promisify(execFile)(process.execPath, [resolve(ROOT, 'tools/eslint/lint-fixtures.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    maxBuffer: 10 * 1024 * 1024,
  });
  findings = JSON.parse(stdout) as Record<string, Finding[]>;
}, 120000);

const rulesIn = (path: string) => findings[path]?.map((finding) => finding.rule);
const messagesIn = (path: string) => findings[path]?.map((finding) => finding.message).join('\n');

describe('module boundaries (@nx/enforce-module-boundaries on the project tags)', () => {
  it('an app importing another app fails', () => {
    expect(rulesIn('auth-service/src/imports-another-app.ts')).toEqual(['@nx/enforce-module-boundaries']);
  });

  it("an app importing another app's entry fails; only the composition root (all/) may, and only the entry", () => {
    expect(rulesIn('tasks-service/src/imports-an-app-entry.ts')).toEqual(['@nx/enforce-module-boundaries']);
    expect(rulesIn('all/src/starts-apps.ts')).toEqual([]);
    expect(rulesIn('all/src/reaches-into-an-app.ts')).toEqual(['@nx/enforce-module-boundaries']);
  });

  it('a lib importing an app fails', () => {
    expect(rulesIn('libs/logging/src/imports-an-app.ts')).toEqual(['@nx/enforce-module-boundaries']);
  });

  it('contracts importing a lib fails', () => {
    expect(rulesIn('libs/contracts/src/imports-a-lib.ts')).toEqual(['@nx/enforce-module-boundaries']);
    expect(messagesIn('libs/contracts/src/imports-a-lib.ts')).toMatch(/"type:contracts" cannot depend on any libs/);
  });

  it('production code importing libs/testing fails', () => {
    expect(rulesIn('tasks-service/src/imports-testing.ts')).toEqual(['@nx/enforce-module-boundaries']);
    expect(messagesIn('tasks-service/src/imports-testing.ts')).toMatch(/"type:app" can only depend on libs tagged with/);
  });
});

describe('type-aware promise and switch rules', () => {
  it('a floating promise fails', () => {
    expect(rulesIn('tasks-service/src/floating-promise.ts')).toEqual(['@typescript-eslint/no-floating-promises']);
  });

  it('an async callback where a void one is expected fails', () => {
    expect(rulesIn('tasks-service/src/misused-promise.ts')).toEqual(['@typescript-eslint/no-misused-promises']);
  });

  it('a switch missing a union member fails', () => {
    expect(rulesIn('tasks-service/src/non-exhaustive-switch.ts')).toEqual(['@typescript-eslint/switch-exhaustiveness-check']);
  });
});

describe('gateway routes declare their access (taskflow/route-access)', () => {
  it('a route marked neither @Public() nor @ApiBearerAuth() fails', () => {
    expect(rulesIn('gateway/src/lint-fixture/undeclared.controller.ts')).toEqual(['taskflow/route-access']);
  });

  it('a controller outside a *.controller.ts file is checked too', () => {
    expect(rulesIn('gateway/src/lint-fixture/routes-elsewhere.ts')).toEqual(['taskflow/route-access']);
  });

  it('a route marked both fails', () => {
    expect(rulesIn('gateway/src/lint-fixture/contradictory.controller.ts')).toEqual(['taskflow/route-access']);
  });

  it('routes that declare their access, in an app that uses libs, pass every rule', () => {
    expect(rulesIn('gateway/src/lint-fixture/declared.controller.ts')).toEqual([]);
  });
});

describe('events are published through their contract (taskflow/event-publish)', () => {
  it('a .publish() of an event subject with a hand-made body fails, whatever names the subject', () => {
    expect(rulesIn('events-service/src/publishes-raw-event.ts')).toEqual(['taskflow/event-publish', 'taskflow/event-publish', 'taskflow/event-publish']);
    expect(messagesIn('events-service/src/publishes-raw-event.ts')).toMatch(/NOTIFICATION_CREATED_SUBJECT by hand skips the event schema/);
  });

  it("publishing a contract's encoded message passes every rule", () => {
    expect(rulesIn('events-service/src/publishes-through-contract.ts')).toEqual([]);
  });
});

describe('NATS handlers are bound to their contract (taskflow/handles-contract)', () => {
  it('a bare @MessagePattern fails', () => {
    expect(rulesIn('events-service/src/bare-message-pattern.handler.ts')).toEqual(['taskflow/handles-contract']);
    expect(messagesIn('events-service/src/bare-message-pattern.handler.ts')).toMatch(/@MessagePattern on markRead: use @Handles/);
  });

  it('a handler declared with @Handles(contract) passes every rule', () => {
    expect(rulesIn('realtime-service/src/bound.handler.ts')).toEqual([]);
  });
});
