// Real tor on a private network (scripts/tornet.sh): two app-owned tors, onion services, SOCKS,
// supervision. Never skipped under CI.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onionFromPublicKey, type OnionAddress } from '../../src/core/crypto/onion.js';
import type { AcnStatus, Stream } from '../../src/core/net/acn.js';
import { ControlPort, ed25519PublicKey } from '../../src/tor/control-port.js';
import { TorAcn } from '../../src/tor/tor-acn.js';
import { TorError } from '../../src/tor/errors.js';
import { startTornet, torAvailable, type Tornet } from './tornet.js';

const haveTor = torAvailable();

function identity(): { seed: Uint8Array; onion: OnionAddress } {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, onion: onionFromPublicKey(ed25519PublicKey(seed)) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function reader(s: Stream): { read(n: number): Promise<Uint8Array> } {
  let buf = new Uint8Array(0);
  let wake: (() => void) | null = null;
  s.onData((c) => {
    const j = new Uint8Array(buf.length + c.length);
    j.set(buf);
    j.set(c, buf.length);
    buf = j;
    wake?.();
  });
  return {
    async read(n) {
      while (buf.length < n) await new Promise<void>((r) => (wake = r));
      const out = buf.slice(0, n);
      buf = buf.slice(n);
      return out;
    },
  };
}

async function exchange(a: Stream, b: Stream): Promise<void> {
  const ra = reader(a);
  const rb = reader(b);
  const x = new Uint8Array(randomBytes(64));
  const y = new Uint8Array(randomBytes(300));
  expect(a.write(x)).toBe(true);
  expect([...(await rb.read(64))]).toEqual([...x]);
  expect(b.write(y)).toBe(true);
  expect([...(await ra.read(300))]).toEqual([...y]);
}

describe.skipIf(!haveTor)('TorAcn on a private tor network', () => {
  let net: Tornet;
  let work: string;
  let alice: TorAcn;
  let bob: TorAcn;
  const aliceStatus: AcnStatus[] = [];

  beforeAll(async () => {
    net = await startTornet();
    work = await mkdtemp(join(tmpdir(), 'toracn-'));
    [alice, bob] = await Promise.all([
      TorAcn.start({ dir: join(work, 'alice'), extraTorrc: net.torrcNetwork, onStatus: (s) => aliceStatus.push(s) }),
      TorAcn.start({ dir: join(work, 'bob'), extraTorrc: net.torrcNetwork }),
    ]);
    await Promise.all([alice.waitUntilReady(60_000), bob.waitUntilReady(60_000)]);
  }, 120_000);

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await net?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  it('reaches 100 % bootstrap and reports it', () => {
    expect(alice.getBootstrapStatus().state).toBe('ready');
    expect(bob.getBootstrapStatus()).toMatchObject({ state: 'ready', progress: 100 });
  });

  it('authenticates with SAFECOOKIE against the real tor and rejects a wrong cookie file', async () => {
    const cp = alice.controlPort!;
    const port = Number((await cp.getInfo('net/listeners/control')).get('net/listeners/control')!.match(/:(\d+)/)![1]);
    const c = await ControlPort.connect('127.0.0.1', port);
    expect(await c.authenticate({ cookieFile: alice.cookieFile! })).toBe('SAFECOOKIE');
    const v = await c.getInfo('version');
    expect(v.get('version')).toMatch(/^0\.4\./);
    c.close();
    const c2 = await ControlPort.connect('127.0.0.1', port);
    await expect(c2.authenticate({ cookieFile: bob.cookieFile! })).rejects.toMatchObject({ code: 'control.serverhash-mismatch' });
  });

  it('publishes an onion service whose ServiceID matches, and the other tor dials it both ways', async () => {
    const id = identity();
    const listener = await alice.listen(id.seed, id.onion);
    expect(listener.onion).toBe(id.onion);
    const onions = (await alice.controlPort!.getInfo('onions/current')).get('onions/current') ?? '';
    expect(onions.split('\n')).toContain(id.onion);
    const inbound = new Promise<Stream>((r) => listener.onStream(r));
    const out = await bob.dial(id.onion);
    const inb = await inbound;
    await exchange(out, inb);
    out.close();
    await new Promise<void>((r) => (inb.closed ? r() : inb.onClose(() => r())));
    await listener.close();
    const after = (await alice.controlPort!.getInfo('onions/current')).get('onions/current') ?? '';
    expect(after.split('\n')).not.toContain(id.onion);
  }, 60_000);

  it('maps a missing virtual port to socks.refused and a bad address to a typed error', async () => {
    const id = identity();
    const listener = await alice.listen(id.seed, id.onion);
    await bob.dial(id.onion).then((s) => s.close());
    await expect(bob.dial(id.onion, 80)).rejects.toMatchObject({ code: 'socks.refused' });
    await expect(bob.dial('notanonion' as OnionAddress)).rejects.toMatchObject({ code: 'socks.onion-bad-address' });
    await listener.close();
  }, 60_000);

  it('refuses to listen when the onion does not belong to the key', async () => {
    const a = identity();
    const b = identity();
    await expect(alice.listen(a.seed, b.onion)).rejects.toMatchObject({ code: 'control.service-id-mismatch' });
  });

  it('reported bootstrap progress from STATUS_CLIENT events, in order, ending ready', () => {
    const progress = aliceStatus.filter((s) => s.state === 'starting').map((s) => s.progress);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(aliceStatus.at(-1)).toMatchObject({ state: 'ready', progress: 100 });
  });

  it('restarts a tor killed with SIGKILL and publishes the onion service again', async () => {
    const id = identity();
    const listener = await alice.listen(id.seed, id.onion);
    const inbound: Stream[] = [];
    listener.onStream((s) => inbound.push(s));
    const pid = alice.torPid!;
    const seen: AcnStatus[] = [];
    alice.setStatusCallback((s) => seen.push(s));
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => seen.some((s) => /unexpectedly/.test(s.summary)), { timeout: 10_000 }).toBe(true);
    await alice.waitUntilReady(60_000);
    expect(alice.torPid).not.toBe(pid);
    expect(pidAlive(pid)).toBe(false);
    expect(alice.crashes).toBe(1);
    // progress events of the new tor were reported
    expect(seen.some((s) => s.state === 'starting' && s.progress > 0 && s.progress < 100)).toBe(true);
    const out = await bob.dial(id.onion);
    await expect.poll(() => inbound.length, { timeout: 10_000 }).toBe(1);
    await exchange(out, inbound[0]!);
    out.close();
    await listener.close();
  }, 90_000);

  it('close() shuts tor down and leaves no process', async () => {
    const extra = await TorAcn.start({ dir: join(work, 'carol'), extraTorrc: net.torrcNetwork });
    const pid = extra.torPid!;
    expect(pidAlive(pid)).toBe(true);
    await extra.close();
    expect(pidAlive(pid)).toBe(false);
    expect(extra.getBootstrapStatus().state).toBe('closed');
    await expect(extra.dial(identity().onion)).rejects.toBeInstanceOf(TorError);
  }, 60_000);

  it('attach mode needs a token, and works with the cookie of a running tor', async () => {
    await expect(TorAcn.start({ mode: 'attach', control: '127.0.0.1:1', auth: undefined as never })).rejects.toMatchObject({ code: 'tor.bad-options' });
    const port = Number((await bob.controlPort!.getInfo('net/listeners/control')).get('net/listeners/control')!.match(/:(\d+)/)![1]);
    const attached = await TorAcn.start({ mode: 'attach', control: `127.0.0.1:${port}`, auth: { cookieFile: bob.cookieFile! } });
    await attached.waitUntilReady(10_000);
    const id = identity();
    const l = await attached.listen(id.seed, id.onion);
    const inbound = new Promise<Stream>((r) => l.onStream(r));
    const out = await alice.dial(id.onion);
    await exchange(out, await inbound);
    out.close();
    await attached.close();
    // attaching never shuts the tor down
    expect(pidAlive(bob.torPid!)).toBe(true);
    expect(bob.getBootstrapStatus().state).toBe('ready');
  }, 60_000);
});

describe.skipIf(!haveTor)('TorAcn bootstrap stall', () => {
  it('reports a stall (with tor\'s warning) instead of hanging when no relay is reachable', async () => {
    const work = await mkdtemp(join(tmpdir(), 'toracn-stall-'));
    // An authority on a closed port: tor keeps failing at the first step with WARN BOOTSTRAP events.
    const dead = [
      'TestingTorNetwork 1',
      'UseDefaultFallbackDirs 0',
      'DirAuthority dead orport=1 no-v2 v3ident=7CC65361A4117458543B5CFBB59655A0AC7F6AD8 127.0.0.1:1 C4D5A4A5408DBCD4EBFE211FD7E04BB6E8714DE4',
    ].join('\n');
    const seen: AcnStatus[] = [];
    const acn = await TorAcn.start({ dir: join(work, 't'), extraTorrc: dead, bootstrapStallMs: 3000, onStatus: (s) => seen.push(s) });
    try {
      await expect.poll(() => seen.find((s) => s.state === 'failed'), { timeout: 20_000 }).toBeDefined();
      const failed = seen.find((s) => s.state === 'failed')!;
      expect(failed.summary).toMatch(/no progress/);
      expect(failed.progress).toBeLessThan(100);
      // tor's own reason is shown, and later WARNs do not hide the stall
      expect(failed.summary).toMatch(/Connection refused/);
      await new Promise((r) => setTimeout(r, 2000));
      expect(acn.getBootstrapStatus().state).toBe('failed');
    } finally {
      await acn.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 40_000);
});

it('ed25519PublicKey matches RFC 8032 test 1, and node agrees on fresh keys', () => {
  const seed = Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
  expect(Buffer.from(ed25519PublicKey(seed)).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed2 = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16);
  expect(Buffer.from(ed25519PublicKey(new Uint8Array(seed2))).equals(publicKey.export({ format: 'der', type: 'spki' }).subarray(12))).toBe(true);
});
