import type { Server as HttpServer } from 'node:http';

/**
 * What helmet sets on the gateway (its defaults, with the gateway's JSON-only CSP), for
 * every response of this service: it is reachable directly through the Ingress.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/**
 * Sets the headers on every response of the HTTP server, first thing. Socket.IO answers its
 * polling transport (and its own errors) straight from the server's `request` event, past
 * Fastify and any Fastify plugin such as @fastify/helmet; headers set here are merged into
 * whatever writeHead either of them sends. Call it after Socket.IO has attached: Socket.IO
 * wraps the listeners it finds into its fallback for non-Socket.IO paths.
 */
export function applySecurityHeaders(server: HttpServer): void {
  server.prependListener('request', (_request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  });
}
