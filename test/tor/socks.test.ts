import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { onionFromPublicKey, type OnionAddress } from '../../src/core/crypto/onion.js';
import { decodeConnectReply, SOCKS_REPLIES, socksConnect } from '../../src/tor/socks.js';
import { socketStream } from '../../src/tor/socket-stream.js';
import { fakeServer, type FakeServer } from './fake-server.js';

const onion = onionFromPublicKey(new Uint8Array(randomBytes(32)));
let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A SOCKS5 server that records the request and answers with `reply` (raw bytes after the method choice). */
async function socksServer(answer: (req: Uint8Array, s: Socket) => void, method = Uint8Array.of(5, 0)): Promise<{ port: number; requests: Uint8Array[] }> {
  const requests: Uint8Array[] = [];
  const srv = await fakeServer((s) => {
    let stage = 0;
    s.on('data', (d: Buffer) => {
      if (stage === 0) {
        stage = 1;
        s.write(method);
        return;
      }
      if (stage === 2) return; // later bytes are stream data for the answer's own listener
      stage = 2;
      requests.push(new Uint8Array(d));
      answer(new Uint8Array(d), s);
    });
  });
  servers.push(srv);
  return { port: srv.port, requests };
}

const rep = (code: number): Uint8Array => Uint8Array.of(5, code, 0, 1, 0, 0, 0, 0, 0, 0);

describe('socksConnect', () => {
  it('sends a domain-name request for <onion>.onion and hands over the stream with early bytes', async () => {
    const { port, requests } = await socksServer((_r, s) => {
      s.write(Buffer.concat([Buffer.from(rep(0)), Buffer.from('hello')]));
      s.on('data', (d) => s.write(d));
    });
    const sock = await socksConnect({ host: '127.0.0.1', port }, onion, 9878);
    const st = socketStream(sock);
    const got: number[] = [];
    st.onData((c) => got.push(...c));
    await expect.poll(() => Buffer.from(got).toString()).toBe('hello');
    st.write(new TextEncoder().encode('!'));
    await expect.poll(() => Buffer.from(got).toString()).toBe('hello!');
    const req = requests[0]!;
    expect([...req.subarray(0, 5)]).toEqual([5, 1, 0, 3, 62]);
    expect(Buffer.from(req.subarray(5, 67)).toString()).toBe(`${onion}.onion`);
    expect([...req.subarray(67)]).toEqual([0x26, 0x96]);
    st.close();
  });

  it.each([...SOCKS_REPLIES.entries()])('maps reply 0x%s to a typed error', async (code, info) => {
    const { port } = await socksServer((_r, s) => s.write(rep(code)));
    await expect(socksConnect({ host: '127.0.0.1', port }, onion, 9878)).rejects.toMatchObject({ code: info.code, message: info.reason });
  });

  it('0xF0 reads as "contact offline or not yet published"; unknown codes are named', async () => {
    expect(SOCKS_REPLIES.get(0xf0)!.reason).toBe('contact offline or not yet published');
    expect(SOCKS_REPLIES.get(0xf6)!.reason).toBe('bad onion address');
    const { port } = await socksServer((_r, s) => s.write(rep(0x42)));
    await expect(socksConnect({ host: '127.0.0.1', port }, onion, 9878)).rejects.toMatchObject({ code: 'socks.unknown-error' });
  });

  it.each([
    ['wrong version in the method reply', Uint8Array.of(4, 0), null, 'socks.bad-reply'],
    ['auth required', Uint8Array.of(5, 0xff), null, 'socks.auth-refused'],
    ['wrong version in the reply', Uint8Array.of(5, 0), Uint8Array.of(4, 0, 0, 1, 0, 0, 0, 0, 0, 0), 'socks.bad-reply'],
    ['bad address type', Uint8Array.of(5, 0), Uint8Array.of(5, 0, 0, 9, 0, 0, 0, 0, 0, 0), 'socks.bad-reply'],
    ['non-zero reserved byte', Uint8Array.of(5, 0), Uint8Array.of(5, 0, 7, 1, 0, 0, 0, 0, 0, 0), 'socks.bad-reply'],
    ['HTTP instead of SOCKS', Uint8Array.from(Buffer.from('HTTP/1.0 400 Bad')), null, 'socks.bad-reply'],
  ])('garbage (%s) is an error', async (_n, method, reply, code) => {
    const { port } = await socksServer((_r, s) => {
      if (reply) s.write(reply);
    }, method);
    await expect(socksConnect({ host: '127.0.0.1', port }, onion, 9878, 2000)).rejects.toMatchObject({ code });
  });

  it('a server that closes mid-handshake or never answers is an error', async () => {
    const a = await socksServer((_r, s) => s.end(Uint8Array.of(5, 0, 0)));
    await expect(socksConnect({ host: '127.0.0.1', port: a.port }, onion, 9878)).rejects.toMatchObject({ code: 'socks.closed' });
    const b = await socksServer(() => {});
    await expect(socksConnect({ host: '127.0.0.1', port: b.port }, onion, 9878, 200)).rejects.toMatchObject({ code: 'socks.timeout' });
  });

  it('refuses bad onions and unreachable proxies', async () => {
    await expect(socksConnect({ host: '127.0.0.1', port: 1 }, 'example.com' as OnionAddress, 80)).rejects.toMatchObject({ code: 'socks.onion-bad-address' });
    await expect(socksConnect({ host: '127.0.0.1', port: 1 }, onion, 9878)).rejects.toMatchObject({ code: 'socks.connect-failed' });
  });
});

describe('decodeConnectReply', () => {
  it('handles every address type and partial input', () => {
    expect(decodeConnectReply(Uint8Array.of(5, 0, 0))).toEqual({ ok: true, value: null });
    expect(decodeConnectReply(Uint8Array.of(5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 99))).toEqual({ ok: true, value: { rep: 0, used: 10 } });
    expect(decodeConnectReply(Uint8Array.of(5, 0, 0, 3, 2, 97, 98, 0, 1))).toEqual({ ok: true, value: { rep: 0, used: 9 } });
    expect(decodeConnectReply(new Uint8Array([5, 0, 0, 4, ...new Array(18).fill(0)]))).toEqual({ ok: true, value: { rep: 0, used: 22 } });
  });
});
