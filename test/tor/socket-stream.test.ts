import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { socketStream } from '../../src/tor/socket-stream.js';
import type { Stream } from '../../src/core/net/acn.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function pair(): Promise<{ a: Stream; b: Stream; rawB: Socket }> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  const rawB = await accepted;
  return { a: socketStream(client), b: socketStream(rawB), rawB };
}

function collect(s: Stream): { bytes: () => Uint8Array; closed: Promise<string | undefined> } {
  const chunks: Uint8Array[] = [];
  s.onData((c) => chunks.push(Uint8Array.from(c)));
  const closed = new Promise<string | undefined>((r) => s.onClose(r));
  return {
    bytes: () => Uint8Array.from(chunks.flatMap((c) => [...c])),
    closed,
  };
}

describe('socketStream', () => {
  it('carries bytes both ways and closes both ends once', async () => {
    const { a, b } = await pair();
    const ca = collect(a);
    const cb = collect(b);
    expect(a.write(Uint8Array.of(1, 2, 3))).toBe(true);
    expect(b.write(Uint8Array.of(9))).toBe(true);
    await expect.poll(() => cb.bytes().length).toBe(3);
    await expect.poll(() => ca.bytes().length).toBe(1);
    expect([...cb.bytes()]).toEqual([1, 2, 3]);
    let closes = 0;
    a.onClose(() => closes++);
    a.close();
    a.close();
    expect(a.closed).toBe(true);
    expect(a.write(Uint8Array.of(1))).toBe(false);
    await cb.closed;
    expect(b.closed).toBe(true);
    expect(b.write(Uint8Array.of(1))).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(closes).toBe(1);
  });

  it('buffers data that arrives before onData is registered', async () => {
    const { a, b } = await pair();
    a.write(Uint8Array.of(7, 7));
    await new Promise((r) => setTimeout(r, 50));
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    expect(got).toEqual([7, 7]);
    a.close();
  });

  it('reports a remote reset as a close with a reason', async () => {
    const { a, rawB } = await pair();
    const ca = collect(a);
    rawB.resetAndDestroy();
    const reason = await ca.closed;
    expect(a.closed).toBe(true);
    expect(reason).toBe('ECONNRESET');
  });
});
