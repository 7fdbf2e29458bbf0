import type { LoggerService } from '@nestjs/common';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { currentRequestId } from './request-context.js';

/** The process's one pino root: in one-process mode (all/) five services share it and its stdout. */
let root: Logger | undefined;

function rootLogger(): Logger {
  root ??= pino({
    // Each service's child carries its level; the root lets everything through to them.
    level: 'trace',
    base: {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: { paths: ['password', '*.password', '*.refreshToken', '*.accessToken', 'req.headers.authorization', 'req.headers.cookie'], censor: '***' },
  });
  return root;
}

/** Structured JSON logs of one service (a child of the process's root); every line made inside a request carries its requestId. */
export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return rootLogger().child({ service }, { level });
}

/** Nest's own logs (bootstrap, exceptions) go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }

  /**
   * Nest calls `(message, ...params, context)`. An object message becomes fields, not
   * "[object Object]"; a string param before the context is the text (or, for errors, the stack).
   */
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, params: unknown[]) {
    const rest = [...params];
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const text = rest.find((param): param is string => typeof param === 'string');
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message }, text ?? '');
    } else {
      this.logger[level](text ? { context, detail: text } : { context }, String(message));
    }
  }
}
