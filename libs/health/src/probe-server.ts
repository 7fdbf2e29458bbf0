import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DependencyChecks } from './dependency-checks.js';
import { ServiceMetrics } from './service-metrics.js';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects (or takes over the timeout) when not. */
  check: () => Promise<unknown> | unknown;
}

export interface ProbeOptions {
  port: number;
  checks: ReadinessCheck[];
  /** Per check (default 300 ms); results are shared for `cacheMs` (default 1 s). */
  timeoutMs?: number;
  cacheMs?: number;
}
export const PROBE_OPTIONS = Symbol('PROBE_OPTIONS');

/**
 * NATS-only services have no HTTP API; this small server gives orchestrators and Prometheus
 * `/health` (liveness), `/health/ready` (every dependency answers) and `/metrics`.
 */
@Injectable()
export class ProbeServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProbeServer.name);
  private server?: Server;
  private shuttingDown = false;

  constructor(
    @Inject(PROBE_OPTIONS) private readonly options: ProbeOptions,
    private readonly metrics: ServiceMetrics,
    private readonly dependencies: DependencyChecks,
  ) {}

  async readiness(): Promise<string[]> {
    if (this.shuttingDown) return ['shutting down'];
    return this.dependencies.failing();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer((request, response) => {
      const reply = (status: number, body: unknown, type = 'application/json') => {
        response.writeHead(status, { 'content-type': type });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const path = request.url?.split('?')[0];
      if (request.method !== 'GET') return reply(405, { statusCode: 405, error: 'Method Not Allowed', message: 'GET only' });
      if (path === '/health') return reply(200, { status: 'ok' });
      if (path === '/health/ready') {
        return void this.readiness().then((failed) =>
          failed.length === 0
            ? reply(200, { status: 'ok' })
            : reply(503, { statusCode: 503, error: 'Service Unavailable', message: `${failed.join(', ')} not ready` }),
        );
      }
      if (path === '/metrics') {
        return void this.metrics.registry.metrics().then((text) => reply(200, text, this.metrics.registry.contentType));
      }
      return reply(404, { statusCode: 404, error: 'Not Found', message: `Cannot GET ${path}` });
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.options.port, '0.0.0.0', resolve));
    this.logger.log(`Probes on :${this.options.port} (/health, /health/ready, /metrics)`);
  }

  /** Readiness turns 503 first, so the orchestrator stops routing while work drains. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}

/** A readiness check for a connection that knows whether it is up. */
export function connectionCheck(name: string, isConnected: () => boolean): ReadinessCheck {
  return { name, check: () => isConnected() || Promise.reject(new Error(`${name} disconnected`)) };
}

/** A readiness check that runs `SELECT 1` (a TypeORM DataSource, a pg pool...). */
export function sqlCheck(name: string, db: { query(sql: string): Promise<unknown> }): ReadinessCheck {
  return { name, check: () => db.query('SELECT 1') };
}
