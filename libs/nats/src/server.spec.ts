import { describe, expect, it, jest } from '@jest/globals';
import { TrackedNatsServer } from './server.js';

/** Exposes the protected routing step Nest runs for every incoming message. */
class Probe extends TrackedNatsServer {
  route(pattern: string): string {
    return this.getRouteFromPattern(pattern);
  }
}

describe('TrackedNatsServer routing', () => {
  it('routes a plain subject without trying JSON.parse (which threw on every request)', () => {
    const server = new Probe({ servers: ['nats://127.0.0.1:1'] }, 1000);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(server.route('tasks.create')).toBe('tasks.create');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('still routes object patterns as Nest does', () => {
    const server = new Probe({ servers: ['nats://127.0.0.1:1'] }, 1000);
    expect(server.route('{"cmd":"sum","role":"math"}')).toBe('{"cmd":"sum","role":"math"}');
  });
});
