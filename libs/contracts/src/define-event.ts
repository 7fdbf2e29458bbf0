import type { z } from 'zod';

/** Why a message is not the event it claims to be; `reason` is what a dead letter or a term records. */
export class EventSchemaError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EventSchemaError';
  }
}

declare const validated: unique symbol;

/**
 * An event that passed its contract's schema, ready to publish or to write to an outbox.
 * Only `EventContract.encode` makes one (the brand cannot be written elsewhere), so code that
 * publishes an event without its schema does not compile.
 */
export interface EventMessage<Event> {
  readonly subject: string;
  readonly payload: Event;
  /** The payload as JSON: the message body. */
  readonly json: string;
  readonly [validated]: true;
}

/** One kind of event (or a family sharing a shape): its subject, its runtime schema and the type derived from it. */
export interface EventContract<Event, Input = Event> {
  /** For reasons: "task event". */
  readonly name: string;
  readonly schema: z.ZodType<Event, Input>;
  /** The `type` values this contract covers; empty for a message without a `type`. */
  readonly types: readonly string[];
  subject(event: Event): string;
  /** The event, or an EventSchemaError naming what is wrong. */
  parse(raw: unknown): Event;
  /** A message body (JSON bytes or text), parsed and validated. */
  decode(data: Uint8Array | string): Event;
  /** Validates an event before it leaves its producer; throws EventSchemaError. */
  encode(event: Input): EventMessage<Event>;
}

export interface EventDefinition<Schema extends z.ZodType> {
  name: string;
  schema: Schema;
  subject: string | ((event: z.output<Schema>) => string);
  types?: readonly string[];
}

/** Issues worth reading, not the whole list: a reason is stored and logged. */
const MAX_ISSUES = 5;

export function describeIssues(name: string, error: z.ZodError): string {
  const problems = error.issues.slice(0, MAX_ISSUES).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return `not a valid ${name}: ${problems.join('; ')}`;
}

function json(data: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    throw new EventSchemaError('not valid JSON');
  }
}

export function defineEvent<Schema extends z.ZodType>(definition: EventDefinition<Schema>): EventContract<z.output<Schema>, z.input<Schema>> {
  type Event = z.output<Schema>;
  const { name, schema } = definition;
  const subjectOf = definition.subject;
  const subject = typeof subjectOf === 'string' ? () => subjectOf : subjectOf;
  const parse = (raw: unknown): Event => {
    const result = schema.safeParse(raw);
    if (!result.success) throw new EventSchemaError(describeIssues(name, result.error));
    return result.data;
  };
  return {
    name,
    schema: schema as z.ZodType<Event, z.input<Schema>>,
    types: definition.types ?? [],
    subject,
    parse,
    decode: (data) => parse(json(data)),
    encode: (event) => {
      const payload = parse(event);
      return { subject: subject(payload), payload, json: JSON.stringify(payload) } as EventMessage<Event>;
    },
  };
}

/** The event type a contract describes. */
export type EventOf<C> = C extends EventContract<infer Event, unknown> ? Event : never;

export type StreamEvent<Contracts extends Record<string, EventContract<unknown, unknown>>> = {
  [Kind in keyof Contracts]: { kind: Kind; event: EventOf<Contracts[Kind]> };
}[keyof Contracts];

/** A stream carrying several event families, told apart by `type`. */
export interface EventStreamContract<Contracts extends Record<string, EventContract<unknown, unknown>>> {
  readonly contracts: Contracts;
  parse(raw: unknown): StreamEvent<Contracts>;
  decode(data: Uint8Array | string): StreamEvent<Contracts>;
}

/**
 * Picks each message's contract by its `type`. A message of no known type is checked
 * against the first contract, whose reason then says what is wrong with it.
 */
export function defineEventStream<Contracts extends Record<string, EventContract<unknown, unknown>>>(contracts: Contracts): EventStreamContract<Contracts> {
  const kinds = Object.keys(contracts) as (keyof Contracts & string)[];
  const byType = new Map<string, keyof Contracts>(kinds.flatMap((kind) => contracts[kind]!.types.map((type) => [type, kind] as const)));
  const parse = (raw: unknown): StreamEvent<Contracts> => {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const kind = (typeof type === 'string' ? byType.get(type) : undefined) ?? kinds[0]!;
    return { kind, event: contracts[kind]!.parse(raw) } as StreamEvent<Contracts>;
  };
  return { contracts, parse, decode: (data) => parse(json(data)) };
}
