import { z } from 'zod';

export interface EnvContext {
  production: boolean;
}

/** One concern's variables; `ctx` lets a piece give safe defaults outside production only. */
export type EnvPiece = (ctx: EnvContext) => z.ZodRawShape;

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type PieceOutput<P> = P extends (ctx: EnvContext) => infer Shape ? (Shape extends z.ZodRawShape ? z.output<z.ZodObject<Shape>> : never) : never;
type Flatten<T> = { [K in keyof T]: T[K] };
export type EnvOf<Pieces extends readonly EnvPiece[]> = Flatten<UnionToIntersection<PieceOutput<Pieces[number]>>>;

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Targets that may be given as one URL or as split variables: one of the two must be there. */
const ONE_OF = [
  ['DATABASE_URL', 'DATABASE_HOST'],
  ['REDIS_URL', 'REDIS_HOST'],
] as const;

/**
 * NATS credentials come in one of three forms, so no single variable is "required": in
 * production at least one form must be complete (a service must never reach NATS
 * anonymously), and a half-given form is an error everywhere.
 */
function natsCredentialProblems(shape: z.ZodRawShape, values: Record<string, string>, ctx: EnvContext): string[] {
  if (!('NATS_NKEY_SEED' in shape)) return [];
  const problems: string[] = [];
  if (values.NATS_USER && !values.NATS_PASSWORD) problems.push('NATS_PASSWORD is required with NATS_USER');
  if (values.NATS_PASSWORD && !values.NATS_USER) problems.push('NATS_USER is required with NATS_PASSWORD');
  if (!!values.NATS_TLS_CERT_FILE !== !!values.NATS_TLS_KEY_FILE) problems.push('NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together (client certificate and its key)');
  if (ctx.production && !values.NATS_NKEY_SEED && !values.NATS_CREDS_FILE && !values.NATS_USER) {
    problems.push('NATS_NKEY_SEED is required (or NATS_CREDS_FILE, or NATS_USER and NATS_PASSWORD): a service never connects to NATS without credentials');
  }
  return problems;
}

/** Blank values count as unset, as they do in most .env tooling. */
function withoutBlanks(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => !!entry[1]?.trim()));
}

/** Validates the environment once; every problem is reported, each naming its variable. */
export function loadEnv<const Pieces extends readonly EnvPiece[]>(pieces: Pieces, source: NodeJS.ProcessEnv): EnvOf<Pieces> {
  const ctx: EnvContext = { production: source.NODE_ENV === 'production' };
  const shape = Object.assign({}, ...pieces.map((piece) => piece(ctx))) as z.ZodRawShape;
  const values = withoutBlanks(source);
  const result = z.object(shape).safeParse(values);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        return issue.code === 'invalid_type' && issue.input === undefined ? `${name} is required` : `${name}: ${issue.message}`;
      });
  for (const [url, host] of ONE_OF) {
    if (ctx.production && url in shape && !values[url] && !values[host]) {
      problems.push(`${url} or ${host} is required`);
    }
  }
  problems.push(...natsCredentialProblems(shape, values, ctx));
  if (problems.length > 0 || !result.success) throw new InvalidEnvironmentError(problems);
  return result.data as EnvOf<Pieces>;
}

/** For main.ts: a bad environment ends the process with one clear line, before anything starts. */
export function loadEnvOrExit<const Pieces extends readonly EnvPiece[]>(pieces: Pieces, source: NodeJS.ProcessEnv = process.env): EnvOf<Pieces> {
  try {
    return loadEnv(pieces, source);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Config as it may be logged: secrets and credentials in URLs masked. */
export function maskEnv(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => {
      if (/SECRET|PASSWORD|TOKEN|SIGNING_KEY|SEED/.test(key)) return [key, value === undefined ? undefined : '***'];
      if (typeof value === 'string') return [key, value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@')];
      return [key, value];
    }),
  );
}
