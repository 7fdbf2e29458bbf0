import { describe, expect, it } from '@jest/globals';
import { corkTransportSends, EndOfTurn, flushAtEndOfTurn, type EngineSocket, type EngineTransport } from './coalesced-writes.js';

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** engine.io's Socket as far as writes go: a queue, flushed to the transport's writes if writable. */
function fakeSocket(name = 'websocket') {
  const writes: string[][] = [];
  const tcp = { corked: 0, writes: 0, cork: () => void tcp.corked++, uncork: () => void (--tcp.corked === 0 && tcp.writes++) };
  const transport: EngineTransport = { name, send: (packets) => writes.push(packets as string[]), socket: { _socket: tcp } };
  const upgrades: Array<(transport: EngineTransport) => void> = [];
  const socket = {
    transport,
    queue: [] as string[],
    closed: undefined as boolean | undefined,
    throwOnFlush: false,
    flush() {
      if (socket.throwOnFlush) throw new Error('write after end');
      if (socket.queue.length === 0) return;
      socket.transport.send(socket.queue.splice(0));
    },
    send(packet: string) {
      socket.queue.push(packet);
      socket.flush();
    },
    close(discard?: boolean) {
      socket.closed = discard;
    },
    on(_event: 'upgrade', listener: (transport: EngineTransport) => void) {
      upgrades.push(listener);
    },
    upgrade(to: EngineTransport) {
      socket.transport = to;
      for (const listener of upgrades) listener(to);
    },
  } satisfies EngineSocket & Record<string, unknown>;
  return { socket, writes, tcp };
}

describe('flushAtEndOfTurn', () => {
  it("sends a client's packets of one turn together, in order, at the end of the turn", async () => {
    const turn = new EndOfTurn();
    const a = fakeSocket();
    const b = fakeSocket();
    flushAtEndOfTurn(a.socket, turn);
    flushAtEndOfTurn(b.socket, turn);
    a.socket.send('1');
    b.socket.send('x');
    a.socket.send('2');
    a.socket.send('3');
    expect(a.writes).toEqual([]);
    await endOfTurn();
    expect(a.writes).toEqual([['1', '2', '3']]);
    expect(b.writes).toEqual([['x']]);
    a.socket.send('4');
    await endOfTurn();
    expect(a.writes).toEqual([['1', '2', '3'], ['4']]);
  });

  it('drops the connection whose flush throws, and still flushes the others', async () => {
    const turn = new EndOfTurn();
    const broken = fakeSocket();
    const fine = fakeSocket();
    flushAtEndOfTurn(broken.socket, turn);
    flushAtEndOfTurn(fine.socket, turn);
    broken.socket.throwOnFlush = true;
    broken.socket.send('lost');
    fine.socket.send('kept');
    await endOfTurn();
    expect(broken.socket.closed).toBe(true);
    expect(fine.writes).toEqual([['kept']]);
  });
});

describe('corkTransportSends', () => {
  it("makes a WebSocket transport's multi-packet send one write, also after an upgrade", () => {
    const { socket, tcp } = fakeSocket('polling');
    corkTransportSends(socket);
    socket.send('not corked');
    expect(tcp.writes).toBe(0);
    const websocket = fakeSocket('websocket');
    socket.upgrade(websocket.socket.transport);
    socket.transport.send(['a', 'b', 'c']);
    expect(websocket.tcp.writes).toBe(1);
    expect(websocket.writes).toEqual([['a', 'b', 'c']]);
  });
});
