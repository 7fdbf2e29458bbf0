import cookie from '@fastify/cookie';
import { Logger, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { REALTIME_PATH } from '#contracts';
import { closeConnectionsWhileDraining } from '#health';
import { createLogger, PinoNestLogger, REQUEST_ID_HEADER, sanitizeRequestId } from '#logging';
import { AppModule } from './app.module.js';
import { JWKS_PATH } from './auth/jwks.controller.js';
import type { GatewayEnv } from './config/gateway.env.js';
import { DOCS_CSP, DOCS_PATH, setupSwagger } from './docs/swagger.js';
import { mapError } from './http/error-body.js';
import { answerOptionsRequests, isCorsPreflight } from './http/options-requests.js';
import { securityHeaders } from './http/security-headers.js';
import { HttpMetrics } from './metrics/http-metrics.service.js';

/** SPEC: bodies over 100 kB are refused with 413. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** The API answers JSON only: nothing may be loaded or framed. Swagger UI gets DOCS_CSP below. */
const SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});

/** Probes and scrapes are frequent and boring: logged at debug only. */
const QUIET_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

/** Builds the whole HTTP app (not listening), so main.ts and the integration tests share it. */
export async function createGatewayApp(env: GatewayEnv): Promise<NestFastifyApplication> {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Only the listed proxies may set X-Forwarded-For; otherwise any client could pick its own IP (and rate-limit key).
    trustProxy: env.TRUST_PROXY.length > 0 ? env.TRUST_PROXY : false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => sanitizeRequestId(req.headers[REQUEST_ID_HEADER]),
    logger: false,
    // The router rejects a malformed URL (400) or an over-long one (414) before any hook or
    // Nest handler runs; answer those in the same shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { body } = mapError(error, request.id);
      void reply.code(body.statusCode).header(REQUEST_ID_HEADER, request.id).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), adapter, {
    logger: new PinoNestLogger(logger),
    // JSON only: Fastify's own JSON parser stays; form and text bodies (which a cross-site
    // <form> can send without a CORS preflight) get 415.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');

  // Set first thing, so every response has them: errors, 404s, 413s and probes included.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(SECURITY_HEADERS).header(REQUEST_ID_HEADER, request.id);
    done();
  });
  const metrics = app.get(HttpMetrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const seconds = reply.elapsedTime / 1000;
    metrics.observe(request.method, route, reply.statusCode, seconds);
    const line = { requestId: request.id, method: request.method, url: request.url, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (route && QUIET_ROUTES.has(route)) logger.debug(line, 'request completed');
    else logger.info(line, 'request completed');
    done();
  });

  closeConnectionsWhileDraining(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith(DOCS_PATH)) void reply.header('content-security-policy', DOCS_CSP);
    done(null, payload);
  });
  await app.register(cookie);
  if (env.REALTIME_PROXY_URL) {
    // Loaded only here: with undici under it, ~4 MB of heap that a gateway routed at the edge (compose, Kubernetes) never uses.
    const { default: httpProxy } = await import('@fastify/http-proxy');
    await app.register(httpProxy, {
      upstream: env.REALTIME_PROXY_URL,
      prefix: REALTIME_PATH,
      rewritePrefix: REALTIME_PATH,
      websocket: true,
      // realtime-service answers CORS itself; the gateway's own CORS headers must not be doubled.
      replyOptions: { rewriteHeaders: (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('access-control-'))) },
    });
  }
  const cors = {
    origin: env.CORS_ORIGIN,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'ETag'],
    maxAge: 600,
    // Answered by answerOptionsRequests below, after the request-id and helmet hooks.
    preflightContinue: true,
  };
  // @fastify/cors answers an OPTIONS that is not a preflight with a text/plain 400 of its
  // own, before any other hook (no request id, no helmet headers). CORS is left out of such
  // requests, so they reach answerOptionsRequests and get the error shape.
  app.enableCors({ delegator: (request, callback) => callback(null, request.method === 'OPTIONS' && !isCorsPreflight(request) ? { origin: false } : cors) });
  answerOptionsRequests(fastify);

  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: JWKS_PATH, method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  setupSwagger(app);
  await app.init();
  new Logger('Bootstrap').log('Gateway configured');
  return app;
}
