import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { MemoryNetwork } from '../../../src/core/net/memory-acn.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';
import { ApplicationChain, TranscriptApp, type Application } from '../../../src/core/tapir/apps/application.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { TapirStateError } from '../../../src/core/tapir/errors.js';
import { TapirService, type StateChange } from '../../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../../src/core/tapir/wire-constants.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { FakeClock, authService, backend, makeIdentity, random, scheduler, settle } from './helpers.js';

const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));

describe('two identities over the in-memory network', () => {
  it.each([undefined, 1, 1000])('authenticate and exchange messages (chunk size %s)', async (chunkSize) => {
    const net = new MemoryNetwork(chunkSize === undefined ? { scheduler } : { scheduler, chunkSize });
    const clock = new FakeClock();
    const a = await authService(net.acn(), clock, { listen: false });
    const b = await authService(net.acn(), clock);
    const states: StateChange[] = [];
    const bStates: StateChange[] = [];
    a.svc.onStateChange((s) => states.push(s));
    b.svc.onStateChange((s) => bStates.push(s));

    expect((await a.svc.connect(b.svc.onion, a.app)).ok).toBe(true);
    const ca = await a.svc.waitForCapabilityOrClose(b.svc.onion, AUTH_CAPABILITY);
    const cb = await b.svc.waitForCapabilityOrClose(a.svc.onion, AUTH_CAPABILITY).catch(() => null);
    expect(ca.ok).toBe(true);
    // The inbound side learnt who called only through the auth app.
    await settle();
    const cbb = b.svc.getConnection(a.svc.onion);
    expect(cbb.ok && cbb.value.hasCapability(AUTH_CAPABILITY)).toBe(true);
    expect(cb?.ok).toBe(true);
    if (!ca.ok || !cbb.ok) return;
    expect(states.map((s) => s.state)).toEqual(['Connecting', 'Connected', 'Authenticated']);
    expect(bStates).toEqual([{ hostname: a.svc.onion, state: 'Authenticated' }]);

    ca.value.send(utf8('ping'));
    expect(text(await cbb.value.expect())).toBe('ping');
    cbb.value.send(utf8('pong'));
    expect(text(await ca.value.expect())).toBe('pong');

    b.svc.markSynced(cbb.value);
    ca.value.close();
    expect(await cbb.value.expect()).toBeNull();
    expect(states.at(-1)?.state).toBe('Disconnected');
    expect(bStates.map((s) => s.state)).toEqual(['Authenticated', 'Synced', 'Disconnected']);
    await a.svc.close();
    await b.svc.close();
    expect(clock.pending).toBe(0);
  });
});

describe('waitForCapabilityOrClose', () => {
  it('times out on the injected clock and leaves no listener behind', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const silent = makeIdentity();
    const l = await net.acn().listen(silent.seed, silent.onion);
    l.onStream(() => {}); // accepts and never answers
    const a = await authService(net.acn(), clock, { listen: false });
    const r = await a.svc.connect(silent.onion, a.app);
    const w = a.svc.waitForCapabilityOrClose(silent.onion, 'SomethingElse', 1000);
    clock.advance(1000);
    const res = await w;
    expect(!res.ok && res.error.code).toBe('tapir.timeout');
    expect(r.ok && r.value.closed).toBe(false);
    clock.advance(15_000);
    expect(r.ok && r.value.closeCode).toBe('deadline');
  });
});

describe('duplicate connections', () => {
  it('aborts a dial while a connection to that hostname is open', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const a = await authService(net.acn(), clock, { listen: false });
    const b = await authService(net.acn(), clock);
    const [r1, r2] = await Promise.all([a.svc.connect(b.svc.onion, a.app), a.svc.connect(b.svc.onion, a.app)]);
    expect([r1.ok, r2.ok].sort()).toEqual([false, true]);
    const bad = r1.ok ? r2 : r1;
    expect(!bad.ok && bad.error.code).toBe('tapir.already-connected');
    const again = await a.svc.connect(b.svc.onion, a.app);
    expect(!again.ok && again.error.code).toBe('tapir.already-connected');
    await a.svc.close();
    await b.svc.close();
  });

  it('after auth keeps the older connection and closes the newer', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const a = await authService(net.acn(), clock);
    const b = await authService(net.acn(), clock);
    const first = await a.svc.connect(b.svc.onion, a.app);
    expect((await a.svc.waitForCapabilityOrClose(b.svc.onion, AUTH_CAPABILITY)).ok).toBe(true);
    // B's identity from a second service instance (its own registry) calls A back.
    const b2 = new TapirService({ acn: net.acn(), identity: b.svc.identity, backend, random, clock });
    const second = await b2.connect(a.svc.onion, new AuthApp({ identity: b.svc.identity, backend, random }));
    expect(second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    // A closes its newer (inbound) connection once that one authenticates; B sees the stream end.
    await new Promise((r) => second.value.onClose(r));
    await settle();
    expect(first.value.closed).toBe(false);
    expect(a.svc.connections()).toHaveLength(1);
    expect(a.svc.getConnection(b.svc.onion).ok && a.svc.getConnection(b.svc.onion)).toMatchObject({ value: first.value });
    await Promise.all([a.svc.close(), b.svc.close(), b2.close()]);
  });

  it('ephemeral services never share the long-term connection set', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const acn = net.acn();
    const a = await authService(acn, clock, { listen: false });
    const server = await authService(net.acn(), clock);
    const eph = TapirService.ephemeral({ acn, backend, random, clock });
    expect(eph.onion).not.toBe(a.svc.onion);
    const ephApp = new AuthApp({ identity: eph.identity, backend, random });
    expect((await eph.connect(server.svc.onion, ephApp)).ok).toBe(true);
    // The long-term service is not told "already connected": that would leak the ephemeral connection.
    expect((await a.svc.connect(server.svc.onion, a.app)).ok).toBe(true);
    expect((await eph.waitForCapabilityOrClose(server.svc.onion, AUTH_CAPABILITY)).ok).toBe(true);
    expect((await a.svc.waitForCapabilityOrClose(server.svc.onion, AUTH_CAPABILITY)).ok).toBe(true);
    expect(a.svc.connections()).toHaveLength(1);
    expect(eph.connections()).toHaveLength(1);
    expect(a.svc.connections()[0]).not.toBe(eph.connections()[0]);
    await Promise.all([a.svc.close(), eph.close(), server.svc.close()]);
  });

  it('waitForCapabilityOrClose fails when the peer is not there, and reports Failed', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const a = await authService(net.acn(), clock, { listen: false });
    const nobody = (await authService(net.acn(), clock, { listen: false })).svc.onion;
    const states: string[] = [];
    a.svc.onStateChange((s) => states.push(s.state));
    const r = await a.svc.connect(nobody, a.app);
    expect(!r.ok && r.error.code).toBe('tapir.dial-failed');
    const w = await a.svc.waitForCapabilityOrClose(nobody, AUTH_CAPABILITY);
    expect(!w.ok && w.error.code).toBe('tapir.no-connection');
    expect(states).toEqual(['Connecting', 'Failed']);
  });
});

/** A toy app that sends one byte, reads one, and grants `cap` if they match. */
class EchoCapApp extends TranscriptApp {
  constructor(
    private readonly cap: string,
    private readonly byte: number,
  ) {
    super();
  }
  override newInstance(): Application {
    return new EchoCapApp(this.cap, this.byte);
  }
  override async init(conn: Connection): Promise<void> {
    this.transcript()!.addToTranscript('echo', Uint8Array.of(this.byte));
    conn.send(Uint8Array.of(this.byte));
    const m = await conn.expect();
    if (m !== null && m[0] === this.byte) conn.setCapability(this.cap);
  }
}

describe('application chain', () => {
  it('runs apps in order on one transcript and stops at a missing capability', async () => {
    const run = async (serverByte: number): Promise<[Connection, Connection, ApplicationChain]> => {
      const [x, y] = memoryStreamPair({ scheduler });
      const cx = new Connection(x, { outbound: true, backend, random, scheduler });
      const cy = new Connection(y, { outbound: false, backend, random, scheduler });
      const client = new ApplicationChain().chain(new EchoCapApp('one', 1), 'one').chain(new EchoCapApp('two', 2), 'two');
      const server = new ApplicationChain().chain(new EchoCapApp('one', 1), 'one').chain(new EchoCapApp('two', serverByte), 'two');
      const ci = client.newInstance() as ApplicationChain;
      await Promise.all([ci.init(cx), server.newInstance().init(cy)]);
      return [cx, cy, ci];
    };
    const [cx, cy, ci] = await run(2);
    expect(cx.hasCapability('one') && cx.hasCapability('two') && cy.hasCapability('two')).toBe(true);
    expect(ci.transcript()).not.toBeNull();
    const [bx] = await run(3);
    expect(bx.hasCapability('one')).toBe(true);
    expect(bx.hasCapability('two')).toBe(false);
    expect(bx.closeCode).toBe('missing-capability');
  });

  it('a second transcript on one app instance is a programming error', async () => {
    const [x] = memoryStreamPair({ scheduler });
    const conn = new Connection(x, { outbound: true, backend, random, scheduler });
    const app = new TranscriptApp();
    await app.init(conn);
    await expect(app.init(conn)).rejects.toMatchObject({ code: 'tapir.transcript-exists' });
    await expect(app.init(conn)).rejects.toBeInstanceOf(TapirStateError);
  });
});
