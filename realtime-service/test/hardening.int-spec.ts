import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { REALTIME_MAX_MESSAGE_BYTES } from '#contracts';
import { RealtimeContext, type Replica } from './factories/realtime-context.js';

/** Finding 8a of issue 10: realtime-service is reachable directly through the Ingress. */
const ctx = new RealtimeContext();
let replica: Replica;

beforeAll(async () => {
  await ctx.open();
  replica = await ctx.startReplica();
});
afterEach(() => ctx.closeSockets());
afterAll(() => ctx.close());

describe('security headers', () => {
  it.each([
    ['/health', 200],
    ['/metrics', 200],
    ['/no-such-route', 404],
    // Socket.IO's polling transport and its own errors are answered past Fastify.
    ['/socket.io/?EIO=4&transport=polling', 200],
    ['/socket.io/?EIO=4&transport=bogus', 400],
  ])('are on %s (%i), as helmet sets them on the gateway', async (path, status) => {
    const response = await fetch(`${replica.baseUrl}${path}`);
    await response.arrayBuffer();
    expect(response.status).toBe(status);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });
});

describe('socket message size', () => {
  /** The ack of a `task:subscribe` carrying `bytes` of padding, or how the socket ended instead. */
  async function subscribeWithPadding(bytes: number): Promise<{ ack?: unknown; disconnected?: string }> {
    const log = await ctx.socket(replica, await ctx.user());
    const socket = log.socket;
    return new Promise((resolve) => {
      socket.once('disconnect', (reason) => resolve({ disconnected: reason }));
      socket.emit('task:subscribe', { taskId: 'x'.repeat(bytes) }, (ack) => resolve({ ack }));
    });
  }

  it('answers a message within 100 kB', async () => {
    expect(await subscribeWithPadding(REALTIME_MAX_MESSAGE_BYTES - 1024)).toEqual({ ack: { ok: false, error: expect.any(String) } });
  });

  it('closes the connection on a message over 100 kB, as REST answers 413 (Socket.IO alone would take 1 MB)', async () => {
    expect(REALTIME_MAX_MESSAGE_BYTES).toBe(100 * 1024);
    expect(await subscribeWithPadding(REALTIME_MAX_MESSAGE_BYTES + 1024)).toEqual({ disconnected: 'transport close' });
  });
});
