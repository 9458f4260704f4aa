// "group post burst": one client — a real Engine with a real encrypted profile — creates a group on a real
// in-process CwtchServer over the local network (127.0.0.1, tapir packets encrypted), waits until it is Synced,
// then sends N group posts as fast as it can queue them and waits for every post's ack (the server's PostResult
// accepted it). Tokens are bought the real way (ephemeral identity, proof-of-work, DLEQ-verified batch), so the
// PoW is part of what is measured; the server's rate limit is lifted so it is not.
//
// Wired as src/app/main.ts and src/app/server-main.ts wire them (sodium-native, node PBKDF2, system clock and
// randomness, native token ops, commits in a worker thread). Client and server share this process: CPU per post
// is both sides (and the server's commit worker) together.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/app/engine/engine.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import type { EngineEvent } from '../../src/core/api/events.js';
import type { Acn } from '../../src/core/net/acn.js';
import type { CwtchServer } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { startBenchServer } from '../local-server.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;

/** Resolves with the first event `pred` accepts; rejects on an engine error or after `ms`. */
function waitFor<T extends EngineEvent>(engine: Engine, what: string, pred: (e: EngineEvent) => e is T, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = engine.subscribe((e) => {
      if (e.event === 'error') {
        clearTimeout(timer);
        off();
        reject(new Error(`engine error while waiting for ${what}: ${e.code}: ${e.message}`));
      } else if (pred(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

const suite: BenchSuite = async ({ quick }) => {
  const n = quick ? 300 : 1000;
  const out: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-group-posts-'));
  const net = join(dir, 'net');
  let serverAcn: Acn | null = null;
  let clientAcn: Acn | null = null;
  let server: CwtchServer | null = null;
  let engine: Engine | null = null;
  try {
    // --- the server, as server-main wires it, with the post rate limit out of the way ---
    const started = await startBenchServer(dir, net);
    serverAcn = started.acn;
    server = started.server;
    // The stats only sum tokens issued; each purchase adds its batch in one step, so count the steps.
    let purchases = 0;
    let issued = server.stats.tokensIssued;
    Object.defineProperty(server.stats, 'tokensIssued', {
      get: () => issued,
      set: (v: number) => {
        if (v !== issued) purchases++;
        issued = v;
      },
      enumerable: true,
      configurable: true,
    });

    // --- the client, as main.ts wires it, in its own home ---
    clientAcn = localAcn(net);
    const eng = new Engine({ backend, pbkdf2: nodePbkdf2, random: nodeRandom, clock: systemClock, acn: clientAcn, home: join(dir, 'home'), log: () => {} });
    engine = eng;
    const profile = waitFor(eng, 'the profile', (e): e is Extract<EngineEvent, { event: 'profile' }> => e.event === 'profile', 60_000);
    eng.command({ cmd: 'create-profile', name: 'bench', password: 'bench password', id: 'p' });
    await profile;

    const created = waitFor(eng, 'the group', (e): e is Extract<EngineEvent, { event: 'group' }> => e.event === 'group' && e.id === 'g', 30_000);
    // Subscribed before the command: Synced can follow the group event quickly.
    const syncedOnce = new Promise<void>((resolve) => {
      const off = eng.subscribe((e) => {
        if (e.event === 'server-state' && e.server === started.server.bundle.server && e.state === 'Synced') {
          off();
          resolve();
        }
      });
    });
    eng.command({ cmd: 'create-group', server: server.bundleString, name: 'bench group', id: 'g' });
    const group = await created;
    const serverOnion = group.server;
    let syncTimer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([syncedOnce, new Promise((_, reject) => (syncTimer = setTimeout(() => reject(new Error('timed out waiting for Synced')), 30_000)))]);
    } finally {
      clearTimeout(syncTimer);
    }

    // --- the burst ---
    const messageIds = new Set<string>();
    const acked = new Set<string>();
    const early = new Set<string>(); // an ack seen before its message event (not expected; kept for correctness)
    let firstAckAt = NaN;
    let queuedAllAt = NaN;
    let errors = 0;
    let lastError = '';
    let done!: () => void;
    const allAcked = new Promise<void>((r) => (done = r));
    const off = eng.subscribe((e) => {
      if (e.event === 'message' && e.conversation === group.groupId && e.outgoing && e.id?.startsWith('b') === true) {
        messageIds.add(e.messageId);
        if (early.delete(e.messageId)) acked.add(e.messageId);
        if (messageIds.size === n) queuedAllAt = performance.now();
      } else if (e.event === 'ack' && e.conversation === group.groupId) {
        if (!messageIds.has(e.messageId)) {
          early.add(e.messageId);
          return;
        }
        if (acked.size === 0) firstAckAt = performance.now();
        acked.add(e.messageId);
      } else if (e.event === 'error' || e.event === 'failed') {
        errors++;
        lastError = e.event === 'error' ? `${e.code}: ${e.message}` : e.reason;
      } else {
        return;
      }
      if (acked.size === n) done();
    });
    const meter0 = eng.meter.get('server', serverOnion);
    const issued0 = issued;
    const purchases0 = purchases;
    const posts0 = server.stats.posts;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) eng.command({ cmd: 'send', to: group.groupId, text: `bench burst post ${i}: a typical group message of a sentence or two`, id: `b${i}` });
    const limitMs = quick ? 60_000 : 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        allAcked,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out: ${acked.size} of ${n} posts acked after ${limitMs / 1000} s (${errors} errors${lastError ? `, last: ${lastError}` : ''})`)), limitMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      off();
    }
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const meter = eng.meter.get('server', serverOnion);
    if (errors > 0) throw new Error(`${errors} errors during the burst (last: ${lastError})`);

    const seconds = (t1 - t0) / 1000;
    const sent = meter.sent - meter0.sent;
    const received = meter.received - meter0.received;
    const tokens = issued - issued0;
    const buys = purchases - purchases0;
    const cpuUs = cpu.user + cpu.system;
    out.push({
      name: `group post burst: ${n} posts, first send → last ack`,
      value: seconds,
      unit: 's',
      note: `one engine, real profile, real server in-process over the local network; all ${n} queued (message events) after ${((queuedAllAt - t0) / 1000).toFixed(2)} s; server stored ${server.stats.posts - posts0}`,
    });
    out.push({ name: 'group post burst: posts acked per second', value: n / seconds, unit: 'posts/s', note: `${n} posts, including token purchases (PoW)` });
    out.push({ name: 'group post burst: time to the first ack', value: firstAckAt - t0, unit: 'ms', note: 'first send → first ack (includes the first token purchase)' });
    out.push({ name: 'group post burst: token purchases', value: buys, unit: 'count', note: `${n} posts; ${(tokens / Math.max(1, buys)).toFixed(1)} tokens per purchase` });
    out.push({ name: 'group post burst: tokens issued', value: tokens, unit: 'tokens', note: `${n} posts; ${tokens - n} left over` });
    out.push({
      name: 'group post burst: client → server bytes per post',
      value: sent / n,
      unit: 'B/post',
      note: `engine byte meter, board + token service; ${(sent / 1024 / 1024).toFixed(2)} MiB sent, ${(received / 1024 / 1024).toFixed(2)} MiB received (${(received / n).toFixed(0)} B/post)`,
    });
    out.push({
      name: 'group post burst: process CPU per post',
      value: cpuUs / n,
      unit: 'µs/post',
      note: `client + in-process server (+ its commit worker), PoW included; user ${(cpu.user / n).toFixed(0)}, system ${(cpu.system / n).toFixed(0)}; ${(cpuUs / 1e6 / seconds).toFixed(2)} cores busy on average`,
    });
  } finally {
    if (engine !== null) await engine.close();
    if (clientAcn !== null) await clientAcn.close();
    if (server !== null) await server.close();
    if (serverAcn !== null) await serverAcn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
};

export default suite;
