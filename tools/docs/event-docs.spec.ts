import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import * as contracts from '#contracts';

// docs/events.md is checked against the event contracts: each contract exported by
// libs/contracts has a field table (between `<!-- fields: Name -->` and `<!-- /fields -->`)
// listing exactly the fields of its schema, nested ones dotted, and whether each may be absent.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOC = readFileSync(resolve(ROOT, 'docs/events.md'), 'utf8');

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Through optional, nullable, default and transform wrappers to the value's own schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

/** `path` → may it be absent, for every field of an object schema and of the objects inside it. */
function fieldsOf(schema: z.ZodType, prefix = ''): Map<string, boolean> {
  const fields = new Map<string, boolean>();
  for (const [key, field] of Object.entries(defOf(unwrap(schema)).shape ?? {})) {
    const path = `${prefix}${key}`;
    fields.set(path, field.safeParse(undefined).success);
    for (const [nested, optional] of fieldsOf(field, `${path}.`)) fields.set(nested, optional);
  }
  return fields;
}

/** The table documenting a contract: `field` → may it be absent ("no" in the required column). */
function documentedFields(name: string): Map<string, boolean> | undefined {
  const section = new RegExp(`<!-- fields: ${name} -->([\\s\\S]*?)<!-- /fields -->`).exec(DOC)?.[1];
  if (section === undefined) return undefined;
  const rows = [...section.matchAll(/^\|\s*`([^`]+)`\s*\|\s*(yes|no)\s*\|/gm)];
  return new Map(rows.map(([, field, required]) => [field!, required === 'no']));
}

const eventContracts = Object.entries(contracts as Record<string, unknown>).filter(
  (entry): entry is [string, contracts.EventContract<unknown, unknown>] => typeof entry[1] === 'object' && entry[1] !== null && 'encode' in entry[1] && 'schema' in entry[1],
);

describe('docs/events.md', () => {
  it('finds the event contracts', () => {
    expect(eventContracts.map(([name]) => name).sort()).toEqual(['AuthEventContract', 'CommentEventContract', 'NotificationCreatedContract', 'ProjectEventContract', 'TaskEventContract']);
  });

  it.each(eventContracts)('documents every field of %s, and no field it does not have', (name, contract) => {
    const documented = documentedFields(name);
    expect(documented).toBeDefined();
    expect(Object.fromEntries(documented!)).toEqual(Object.fromEntries(fieldsOf(contract.schema)));
  });
});
