// A malicious peer: every case ends with the connection closed and the service still serving honest peers.

import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { MemoryNetwork, memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import type { Stream } from '../../../src/core/net/acn.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';
import { Connection, type CloseCode } from '../../../src/core/tapir/connection.js';
import { encodePlainPacket } from '../../../src/core/tapir/framing.js';
import type { TapirService } from '../../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../../src/core/tapir/wire-constants.js';
import { TAPIR_HANDSHAKE_TIMEOUT_MS, TAPIR_MAX_PENDING_HANDSHAKES, TAPIR_QUEUE_HARD_CAP } from '../../../src/core/limits.js';
import { FakeClock, authService, backend, makeIdentity, random, recording, scheduler, settle } from './helpers.js';

async function setup(): Promise<{ net: MemoryNetwork; clock: FakeClock; victim: TapirService; codes: CloseCode[]; stateLog: string[] }> {
  const net = new MemoryNetwork({ scheduler });
  const clock = new FakeClock();
  const { svc } = await authService(net.acn(), clock);
  const codes: CloseCode[] = [];
  const stateLog: string[] = [];
  const watched = new Set<Connection>();
  svc.onStateChange((s) => stateLog.push(s.state));
  // Watch every inbound connection's close code through the real listener path.
  const origAccept = (svc as unknown as { accept: (s: Stream, a: unknown) => void }).accept.bind(svc);
  (svc as unknown as { accept: (s: Stream, a: unknown) => void }).accept = (s, a) => {
    origAccept(s, a);
    const c = svc.connections().at(-1);
    if (c === undefined || watched.has(c)) return; // refused at the door: no connection was made
    watched.add(c);
    c.onClose((code) => codes.push(code));
  };
  return { net, clock, victim: svc, codes, stateLog };
}

/** The victim still authenticates an honest peer afterwards. */
async function stillHealthy(net: MemoryNetwork, clock: FakeClock, victim: TapirService): Promise<void> {
  const honest = await authService(net.acn(), clock, { listen: false });
  expect((await honest.svc.connect(victim.onion, honest.app)).ok).toBe(true);
  const c = await honest.svc.waitForCapabilityOrClose(victim.onion, AUTH_CAPABILITY);
  expect(c.ok).toBe(true);
  await honest.svc.close();
}

describe('malicious peers', () => {
  it('wrong long-term key for the dialled onion: the dialler closes', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const real = makeIdentity();
    const impostor = makeIdentity();
    // The impostor publishes at the real onion (only possible without tor) and answers with its own key.
    const l = await net.acn().listen(impostor.seed, real.onion);
    const impostorApp = new AuthApp({ identity: impostor, backend, random });
    const impostorConns: Connection[] = [];
    l.onStream((s) => {
      const c = new Connection(s, { outbound: false, backend, random, scheduler });
      impostorConns.push(c);
      void impostorApp.newInstance().init(c);
    });
    const a = await authService(net.acn(), clock, { listen: false });
    const r = await a.svc.connect(real.onion, a.app);
    expect(r.ok).toBe(true);
    const w = await a.svc.waitForCapabilityOrClose(real.onion, AUTH_CAPABILITY);
    expect(!w.ok && w.error.code).toBe('tapir.no-connection');
    expect(r.ok && r.value.closeCode).toBe('protocol');
    await settle();
    expect(impostorConns[0]?.closed).toBe(true);
    expect(impostorConns[0]?.hasCapability(AUTH_CAPABILITY)).toBe(false);
  });

  it('a replayed AuthMessage (and challenge) from an earlier session is refused', async () => {
    const { net, clock, victim, codes, stateLog } = await setup();
    const a = await authService(net.acn(), clock, { listen: false });
    // Record an honest session's wire bytes.
    const acn = net.acn();
    const s = recording(await acn.dial(victim.onion));
    const honest = new Connection(s.stream, { outbound: true, hostname: victim.onion, backend, random, scheduler });
    await a.app.newInstance().init(honest);
    expect(honest.hasCapability(AUTH_CAPABILITY)).toBe(true);
    honest.close();
    // Replay both packets to a new session.
    const replay = await acn.dial(victim.onion);
    for (const p of s.written) replay.write(p);
    await settle(20);
    expect(replay.closed).toBe(true);
    expect(codes.at(-1)).toBe('tapir.mac');
    expect(stateLog.filter((x) => x === 'Authenticated')).toHaveLength(1);
    await stillHealthy(net, clock, victim);
  });

  it('garbage bytes close the connection', async () => {
    const { net, clock, victim, codes } = await setup();
    const raw = await net.acn().dial(victim.onion);
    raw.write(random.bytes(8192 * 2));
    await settle(20);
    expect(raw.closed).toBe(true);
    expect(['tapir.length', 'protocol']).toContain(codes.at(-1));
    await stillHealthy(net, clock, victim);
  });

  it('a truncated handshake then silence is closed by the deadline', async () => {
    const { net, clock, victim, codes } = await setup();
    const raw = await net.acn().dial(victim.onion);
    const partial = encodePlainPacket(utf8('{"LongTermPublicKey":'));
    if (!partial.ok) throw new Error('encode');
    raw.write(partial.value.subarray(0, 5000)); // 5000 of 8192 bytes, then nothing
    await settle(10);
    expect(raw.closed).toBe(false);
    clock.advance(TAPIR_HANDSHAKE_TIMEOUT_MS - 1);
    await settle();
    expect(raw.closed).toBe(false);
    clock.advance(1);
    await settle();
    expect(raw.closed).toBe(true);
    expect(codes).toEqual(['deadline']);
    await stillHealthy(net, clock, victim);
  });

  it('a length field larger than the packet closes the connection', async () => {
    const { net, clock, victim, codes } = await setup();
    const raw = await net.acn().dial(victim.onion);
    const p = new Uint8Array(8192);
    p.set([0xfe, 0x3f], 0); // varint 8190: 8190 + 2 ≥ 8192
    raw.write(p);
    await settle(10);
    expect(raw.closed).toBe(true);
    expect(codes).toEqual(['tapir.length']);
    await stillHealthy(net, clock, victim);
  });

  it('a MAC failure after auth closes the session', async () => {
    const [x, y] = memoryStreamPair({ scheduler });
    let flip = false;
    const tampering: Stream = {
      write: (b) => {
        const c = Uint8Array.from(b);
        if (flip) c[500]! ^= 0x01;
        return x.write(c);
      },
      onData: (cb) => x.onData(cb),
      onClose: (cb) => x.onClose(cb),
      close: () => x.close(),
      get closed() {
        return x.closed;
      },
    };
    const ia = makeIdentity();
    const ib = makeIdentity();
    const ca = new Connection(tampering, { outbound: true, hostname: ib.onion, backend, random, scheduler });
    const cb = new Connection(y, { outbound: false, backend, random, scheduler });
    await Promise.all([
      new AuthApp({ identity: ia, backend, random }).init(ca),
      new AuthApp({ identity: ib, backend, random }).init(cb),
    ]);
    expect(cb.hasCapability(AUTH_CAPABILITY)).toBe(true);
    ca.send(utf8('fine'));
    expect(new TextDecoder().decode((await cb.expect())!)).toBe('fine');
    flip = true;
    ca.send(utf8('tampered'));
    expect(await cb.expect()).toBeNull();
    expect(cb.closeCode).toBe('tapir.mac');
    await settle();
    expect(ca.closed).toBe(true);
  });

  it('bytes delivered one at a time still authenticate', async () => {
    const net = new MemoryNetwork({ scheduler, chunkSize: 1 });
    const clock = new FakeClock();
    const b = await authService(net.acn(), clock);
    const a = await authService(net.acn(), clock, { listen: false });
    await a.svc.connect(b.svc.onion, a.app);
    expect((await a.svc.waitForCapabilityOrClose(b.svc.onion, AUTH_CAPABILITY)).ok).toBe(true);
  });

  it('1,000 connections opened at once: bounded, all closed, still serving', async () => {
    const { net, clock, victim, codes } = await setup();
    const acn = net.acn();
    const raws = await Promise.all(Array.from({ length: 1000 }, () => acn.dial(victim.onion)));
    await settle(10);
    expect(victim.connections().length).toBeLessThanOrEqual(TAPIR_MAX_PENDING_HANDSHAKES);
    expect(raws.filter((r) => r.closed).length).toBe(1000 - TAPIR_MAX_PENDING_HANDSHAKES);
    clock.advance(TAPIR_HANDSHAKE_TIMEOUT_MS);
    await settle(10);
    expect(raws.every((r) => r.closed)).toBe(true);
    expect(victim.connections()).toHaveLength(0);
    expect(codes.filter((c) => c === 'deadline')).toHaveLength(TAPIR_MAX_PENDING_HANDSHAKES);
    await stillHealthy(net, clock, victim);
  });
});

describe('bounded receive buffers', () => {
  const packets = (n: number): Uint8Array => {
    const p = encodePlainPacket(utf8('x'));
    if (!p.ok) throw new Error('encode');
    const out = new Uint8Array(p.value.length * n);
    for (let i = 0; i < n; i++) out.set(p.value, i * p.value.length);
    return out;
  };

  it('a stream that can pause is paused, not dropped, and everything stays readable', async () => {
    // 64 KiB chunks, as TCP delivers them; pausing acts between chunks.
    const [x, y] = memoryStreamPair({ scheduler, chunkSize: 65536 });
    const c = new Connection(y, { outbound: false, backend, random, scheduler });
    x.write(packets(TAPIR_QUEUE_HARD_CAP + 50));
    await settle(20);
    expect(c.closed).toBe(false);
    for (let i = 0; i < TAPIR_QUEUE_HARD_CAP + 50; i++) expect((await c.expect())?.length).toBe(1);
  });

  it('a flood on a stream that cannot pause closes the connection', async () => {
    const [x, y] = memoryStreamPair({ scheduler });
    const noPause: Stream = {
      write: (b) => y.write(b),
      onData: (cb) => y.onData(cb),
      onClose: (cb) => y.onClose(cb),
      close: () => y.close(),
      get closed() {
        return y.closed;
      },
    };
    const c = new Connection(noPause, { outbound: false, backend, random, scheduler });
    x.write(packets(TAPIR_QUEUE_HARD_CAP + 1));
    await settle(20);
    expect(c.closeCode).toBe('flood');
    expect(await c.expect()).toBeNull();
  });
});
