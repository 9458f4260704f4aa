// Tapir sessions: handshakes per second (both sides in one process, per crypto backend) and the throughput of
// one authenticated session over loopback TCP, as a ratio of the secretbox seal+open ceiling from the same run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { microtaskScheduler, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import type { CryptoBackend } from '../../src/core/crypto/backend.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import { AUTH_PEER_KEY_CACHE_ENTRIES, MAX_ENCRYPTED_PAYLOAD } from '../../src/core/limits.js';
import { memoryStreamPair } from '../../src/core/net/memory-acn.js';
import { TranscriptApp, type Application } from '../../src/core/tapir/apps/application.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { Connection } from '../../src/core/tapir/connection.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../src/core/tapir/wire-constants.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { PACKET_BYTES, allBackends, measureSecretboxCeiling } from '../ceiling.js';
import { opsPerSecond, type BenchResult, type BenchSuite } from '../harness.js';

async function handshake(backend: CryptoBackend, a: AuthApp, b: AuthApp, bOnion: Connection['hostname']): Promise<void> {
  const [x, y] = memoryStreamPair({ scheduler: microtaskScheduler });
  const cx = new Connection(x, { outbound: true, hostname: bOnion!, backend, random: nodeRandom, scheduler: microtaskScheduler });
  const cy = new Connection(y, { outbound: false, backend, random: nodeRandom, scheduler: microtaskScheduler });
  await Promise.all([a.newInstance().init(cx), b.newInstance().init(cy)]);
  if (!cx.hasCapability(AUTH_CAPABILITY) || !cy.hasCapability(AUTH_CAPABILITY)) throw new Error('handshake failed');
  cx.close();
}

/** A known peer reconnecting: the same two apps every time, so after the first handshake both caches hit. */
function knownPeer(backend: CryptoBackend): () => Promise<void> {
  const ia = identityFromSeed(backend, nodeRandom.bytes(32));
  const ib = identityFromSeed(backend, nodeRandom.bytes(32));
  const a = new AuthApp({ identity: ia, backend, random: nodeRandom });
  const b = new AuthApp({ identity: ib, backend, random: nodeRandom });
  return () => handshake(backend, a, b, ib.onion);
}

/**
 * Strangers: each dialler is new (its own empty key cache) and the listener has not seen it lately (the identities
 * cycle through twice AUTH_PEER_KEY_CACHE_ENTRIES, so its LRU always misses). The keys are made before timing.
 */
function firstContact(backend: CryptoBackend): () => Promise<void> {
  const ib = identityFromSeed(backend, nodeRandom.bytes(32));
  const b = new AuthApp({ identity: ib, backend, random: nodeRandom });
  const pool = Array.from({ length: 2 * AUTH_PEER_KEY_CACHE_ENTRIES }, () => identityFromSeed(backend, nodeRandom.bytes(32)));
  let i = 0;
  return () => handshake(backend, new AuthApp({ identity: pool[i++ % pool.length]!, backend, random: nodeRandom }), b, ib.onion);
}

export async function handshakesPerSecond(backend: CryptoBackend, ms: number): Promise<number> {
  return opsPerSecond(knownPeer(backend), ms);
}

/**
 * CPU microseconds (user + system, this process) per handshake over `n`, after a warm-up: steadier than a
 * wall-clock rate on a shared machine, where other processes take the cores.
 */
async function cpuMicrosPerHandshake(step: () => Promise<void>, n: number): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await step();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await step();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

/** Payload MB/s of `count` maximum-size messages over one authenticated loopback-TCP session. */
export async function sessionThroughput(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cwtch-bench-'));
  const acn = localAcn(dir);
  const backend = sodiumNativeBackend;
  const mk = (): { svc: TapirService; app: AuthApp } => {
    const identity = identityFromSeed(backend, nodeRandom.bytes(32));
    return {
      svc: new TapirService({ acn, identity, backend, random: nodeRandom, clock: systemClock }),
      app: new AuthApp({ identity, backend, random: nodeRandom }),
    };
  };
  const server = mk();
  const client = mk();
  let received!: Promise<number>;
  let startReading!: () => void;
  const started = new Promise<void>((r) => (startReading = r));
  class Sink extends TranscriptApp {
    override newInstance(): Application {
      return new Sink();
    }
    override async init(conn: Connection): Promise<void> {
      await server.app.newInstance().init(conn);
      received = (async () => {
        let bytes = 0;
        for (let i = 0; i < count; i++) bytes += (await conn.expect())?.length ?? 0;
        return bytes;
      })();
      startReading();
    }
  }
  try {
    await server.svc.listen(new Sink());
    await client.svc.connect(server.svc.onion, client.app);
    const c = await client.svc.waitForCapabilityOrClose(server.svc.onion, AUTH_CAPABILITY);
    if (!c.ok) throw new Error('session did not authenticate');
    await started;
    const msg = new Uint8Array(MAX_ENCRYPTED_PAYLOAD).fill(0x61);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      if (!c.value.send(msg).ok) throw new Error('send failed');
      // Yield now and then so the reader runs while the writer is still producing.
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
    const bytes = await received;
    const secs = (performance.now() - t0) / 1000;
    if (bytes !== count * MAX_ENCRYPTED_PAYLOAD) throw new Error('lost messages');
    return bytes / secs / 1e6;
  } finally {
    await client.svc.close();
    await server.svc.close();
    await acn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = async ({ quick }) => {
  const ms = quick ? 400 : 2000;
  const out: BenchResult[] = [];
  for (const backend of await allBackends()) {
    const hs = await handshakesPerSecond(backend, backend.name.includes('noble') ? ms / 2 : ms);
    out.push({ name: `tapir handshake (${backend.name})`, value: hs, unit: 'handshakes/s', note: 'both sides, one process, a known peer reconnecting; goal ≥ 1000/s' });
  }
  const n = quick ? 300 : 1500;
  const cpuNote = 'both sides, one process; user+system CPU';
  out.push({ name: 'tapir handshake CPU, known peer (sodium-native)', value: await cpuMicrosPerHandshake(knownPeer(sodiumNativeBackend), n), unit: 'µs', note: `${cpuNote}; peer keys cached` });
  out.push({ name: 'tapir handshake CPU, first contact (sodium-native)', value: await cpuMicrosPerHandshake(firstContact(sodiumNativeBackend), n), unit: 'µs', note: `${cpuNote}; no cached peer key` });
  const ceiling = await measureSecretboxCeiling(quick ? 300 : 1000);
  const ceilingMBs = (ceiling.sealOpen * PACKET_BYTES) / 1e6;
  const runs = 3;
  let best = 0;
  for (let i = 0; i < runs; i++) best = Math.max(best, await sessionThroughput(quick ? 2000 : 8000));
  out.push({
    name: 'tapir session throughput (loopback TCP, 8150 B msgs)',
    value: best,
    unit: 'MB/s',
    ratio: best / ceilingMBs,
    note: `vs secretbox seal+open 8 KiB (fastest) = ${ceilingMBs.toFixed(0)} MB/s; goal ≥ 0.6`,
  });
  return out;
};

export default suite;
