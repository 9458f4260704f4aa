// Outbound flow control: a writer can see what a slow reader has not taken yet and wait for it to drain,
// on the in-memory pipe and on real TCP sockets (the local and tor networks share socketStream).
import { createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Stream } from '../../../src/core/net/acn.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { socketStream } from '../../../src/tor/socket-stream.js';
import { scheduler } from '../tapir/helpers.js';

async function drained(s: Stream): Promise<void> {
  await new Promise<void>((resolve) => s.onDrain!(resolve));
}

describe('in-memory streams', () => {
  it('count what the paused reader has not taken, and drain when it resumes', async () => {
    const [a, b] = memoryStreamPair({ scheduler });
    let got = 0;
    b.onData((c) => (got += c.length));
    b.pause!();
    a.write(new Uint8Array(1000));
    a.write(new Uint8Array(500));
    expect(a.bufferedBytes!()).toBe(1500);
    let fired = false;
    const d = drained(a).then(() => (fired = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(false);
    b.resume!();
    await d;
    expect(got).toBe(1500);
    expect(a.bufferedBytes!()).toBe(0);
  });
  it('a close wakes a waiting writer', async () => {
    const [a, b] = memoryStreamPair({ scheduler });
    b.onData(() => {});
    b.pause!();
    a.write(new Uint8Array(10));
    const d = drained(a);
    b.close();
    await d;
  });
});

describe('socket streams', () => {
  it('report the kernel backlog of a reader that stopped, and drain once it reads', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const client = createConnection(port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    const reader = await accepted;
    reader.pause();
    const s = socketStream(client);
    s.onData(() => {});
    for (let i = 0; i < 64; i++) s.write(new Uint8Array(256 * 1024));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.bufferedBytes!()).toBeGreaterThan(1024 * 1024);
    const d = drained(s);
    reader.on('data', () => {});
    reader.resume();
    await d;
    expect(s.bufferedBytes!()).toBe(0);
    s.close();
    reader.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
