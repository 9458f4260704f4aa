// Scale (`npm run bench -- --scale [1M,5M,10M]`, never in CI): a group server whose real SQLite store holds N
// messages, for each N. The store is filled as bench/suites/sync-windows.ts fills it — other groups' messages over
// the past year ending a day ago, then one group created 23 hours ago with its own messages through the last day —
// then a fresh cwtch-server process is started on it, and this process plays its clients on the local network:
//  - start-up: spawn → bundle printed (listening), and the server's RSS then;
//  - the new member's sync (docs/sync-extension.md §10): packed replay of the windows since the invite's creation
//    time less the skew margin, as the engine asks; bytes (the engine's byte meter), messages, seconds to Synced and
//    CPU on each side, every message trial-decrypted with the group key;
//  - the replay rate a client gets: a packed replay of the newest ~100k messages (a Since that bounds it);
//  - the post rate: a few clients posting 4.5 KiB EGMs from a worker thread (bench/server-load-worker.ts).
// The page cache is warm from the fill: these are a warm server's numbers, not a cold disk's.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sha512 } from '@noble/hashes/sha2.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { sodiumElementMul } from '../../src/app/platform/sodium-ristretto.js';
import { utf8 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import { encodeElement } from '../../src/core/crypto/ristretto.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { decodeServerBundle, type ServerBundle } from '../../src/core/groups/bundle.js';
import { buildGroupMessage, type GroupKeyInfo } from '../../src/core/groups/group-message.js';
import { groupIdFor, inviteCreated } from '../../src/core/groups/invite.js';
import { syncSince, windowEndOf } from '../../src/core/groups/sync-window.js';
import { TrialOpener } from '../../src/core/groups/trial-open.js';
import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import { tokenPoint } from '../../src/core/privacypass/token.js';
import { loadOrCreateConfig, type ServerConfig } from '../../src/server/config.js';
import { MessageStore, type PostToStore } from '../../src/server/message-store.js';
import { MESSAGES_DB_FILE } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { listen } from '../board-listener.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;
const deps = { backend, random: nodeRandom, pbkdf2: nodePbkdf2 };
const TEXT = JSON.stringify({ o: 1, d: 'a typical group message of a sentence or two' });
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const RECENT = 1000;
const REPLAY_NEWEST = 100_000;
const POST_CLIENTS = 5;
const POST_MS = 6000;
const bin = fileURLToPath(new URL('../../bin/cwtch-server.js', import.meta.url));

interface Row {
  readonly size: number;
  fillS: number;
  dbBytes: number;
  startS: number;
  rssMiB: number;
  join: { bytes: number; msgs: number; seconds: number; clientCpuS: number; serverCpuS: number };
  replay: { msgs: number; bytes: number; seconds: number };
  posts: { perS: number; accepted: number };
  hwmMiB: number;
  /** store.planReplay for the new member's Since, on a freshly opened store (ms). */
  planMs: number;
}

const label = (n: number): string => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 100 === 0 ? `${n / 1e3}k` : String(n));

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** User + system CPU seconds of a whole process (Linux /proc; clock ticks of 10 ms). */
function procCpuS(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The real store, filled in batches of one transaction each (setup; its time is printed, not a goal). */
function fill(dataDir: string, total: number, group: GroupKeyInfo, now: number): void {
  const store = new MessageStore(join(dataDir, MESSAGES_DB_FILE));
  try {
    const sender = identityFromSeed(backend, new Uint8Array(32).fill(5));
    const env = { backend, clock: systemClock, random: nodeRandom };
    // Other groups' messages: padded ordinary messages like the group's (the server cannot tell them apart).
    const pool = Array.from({ length: 64 }, () => {
      const r = buildGroupMessage(env, sender, { ...group, key: nodeRandom.bytes(32) }, TEXT, nodeRandom.bytes(64));
      if (!r.ok) throw new Error(r.error.code);
      return r.value.egm.ciphertext;
    });
    const others = total - RECENT;
    const start = now - 365 * DAY;
    const span = 364 * DAY;
    const B = 10_000;
    for (let i = 0; i < others; i += B) {
      const n = Math.min(B, others - i);
      // One draw per batch: tokens and signatures are random as real ones are (the B-trees split as they would).
      const rnd = randomBytes(n * 96);
      const batch: PostToStore[] = new Array(n);
      for (let j = 0; j < n; j++) {
        const k = i + j;
        batch[j] = { tokenT: rnd.subarray(j * 96, j * 96 + 32), signature: rnd.subarray(j * 96 + 32, j * 96 + 96), ciphertext: pool[k % pool.length]!, windowEnd: windowEndOf(start + (span * k) / others, BOARD_WINDOW_DEFAULT_S) };
      }
      store.commitPosts(batch);
      if (i > 0 && i % 1_000_000 === 0) process.stderr.write(`bench scale: filled ${label(i)} of ${label(total)}\n`);
    }
    const batch: PostToStore[] = [];
    let prev: Uint8Array | null = null;
    for (let i = 0; i < RECENT; i++) {
      const r = buildGroupMessage(env, sender, group, TEXT, prev);
      if (!r.ok) throw new Error(r.error.code);
      prev = r.value.egm.signature;
      batch.push({ tokenT: nodeRandom.bytes(32), signature: r.value.egm.signature, ciphertext: r.value.egm.ciphertext, windowEnd: windowEndOf(now - 23 * HOUR + (23 * HOUR * i) / RECENT, BOARD_WINDOW_DEFAULT_S) });
    }
    store.commitPosts(batch);
  } finally {
    store.close();
  }
}

async function startServer(dataDir: string, net: string): Promise<{ child: ChildProcess; bundle: ServerBundle; bundleString: string; startS: number }> {
  const t = performance.now();
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, '--network', 'local', '--local-net', net, '--posts-per-minute', '1000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
  });
  const startS = (performance.now() - t) / 1000;
  const b = decodeServerBundle(backend, line);
  if (!b.ok) throw new Error(`bad bundle: ${b.error.code}`);
  return { child, bundle: b.value, bundleString: line, startS };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function postRate(net: string, bundleString: string, config: ServerConfig): Promise<{ perS: number; accepted: number }> {
  // More tokens than the clients can spend in POST_MS on this machine (the 50-client bench peaks near 2-3k/s).
  const perClient = 4000;
  const tokens = Array.from({ length: POST_CLIENTS }, () =>
    Array.from({ length: perClient }, () => {
      const t = nodeRandom.bytes(32);
      return [t, encodeElement(sodiumElementMul(tokenPoint(t), config.k))] as [Uint8Array, Uint8Array];
    }),
  );
  const worker = new Worker(new URL('../server-load-worker.js', import.meta.url), { workerData: { netDir: net, bundle: bundleString, clients: POST_CLIENTS, ms: POST_MS, tokens } });
  try {
    const { accepted, secs } = await new Promise<{ accepted: number; secs: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return { perS: accepted / secs, accepted };
  } finally {
    await worker.terminate();
  }
}

async function one(size: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), `bench-scale-${label(size)}-`));
  const dataDir = join(dir, 'server');
  const net = join(dir, 'net');
  try {
    const { config } = loadOrCreateConfig(dataDir, deps);
    const onion = config.identity.onion as OnionAddress;
    const key = sha512(utf8('bench scale group')).subarray(0, 32);
    const group: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, key, onion), key, server: onion };
    const now = Date.now();
    const t0 = performance.now();
    fill(dataDir, size, group, now);
    const fillS = (performance.now() - t0) / 1000;
    const dbBytes = statSync(join(dataDir, MESSAGES_DB_FILE)).size;
    process.stderr.write(`bench scale: ${label(size)} filled in ${fillS.toFixed(0)} s, ${(dbBytes / 1e9).toFixed(2)} GB\n`);

    // The new member's Since, as the engine computes it from the invite's creation time.
    const createdAt = inviteCreated(now - 23 * HOUR) * 1000;
    const since = syncSince([{ createdAt, syncedAt: null }]) ?? 0;
    // The newest ~REPLAY_NEWEST: others are spread evenly over the year, so their Since is a point in time.
    const others = size - RECENT;
    const newest = Math.max(0, others - REPLAY_NEWEST + RECENT);
    const sinceNewest = Math.floor((now - 365 * DAY + (364 * DAY * newest) / others) / 1000);
    // What the server does first on each replay request, timed alone: where it goes as the store grows.
    const probe = new MessageStore(join(dataDir, MESSAGES_DB_FILE));
    const tp = performance.now();
    probe.planReplay(null, since);
    const planMs = performance.now() - tp;
    probe.close();

    const acn = localAcn(net);
    const srv = await startServer(dataDir, net);
    const pid = srv.child.pid!;
    try {
      await new Promise((r) => setTimeout(r, 500));
      const rssMiB = procStatus(pid, 'VmRSS');
      const server = { bundle: srv.bundle };

      const opener = new TrialOpener(backend);
      let mine = 0;
      const onMessage = (egm: EncryptedGroupMessage): void => {
        if (opener.find(egm.ciphertext, [group]) !== null) mine++;
      };
      const cpu0 = process.cpuUsage();
      const scpu0 = procCpuS(pid);
      const tj = performance.now();
      const l = await listen(acn, server, { packedReplay: true, since, onMessage });
      const seconds = (performance.now() - tj) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const join_ = { bytes: l.rx(), msgs: l.received(), seconds, clientCpuS: (cpu.user + cpu.system) / 1e6, serverCpuS: procCpuS(pid) - scpu0 };
      await l.close();
      if (mine !== RECENT) throw new Error(`the new member found ${mine} of the group's ${RECENT} messages`);

      const tr = performance.now();
      const r = await listen(acn, server, { packedReplay: true, since: sinceNewest });
      const replay = { msgs: r.received(), bytes: r.rx(), seconds: (performance.now() - tr) / 1000 };
      await r.close();

      const posts = await postRate(net, srv.bundleString, config);
      const hwmMiB = procStatus(pid, 'VmHWM');
      return { size, fillS, dbBytes, startS: srv.startS, rssMiB, join: join_, replay, posts, hwmMiB, planMs };
    } finally {
      await stop(srv.child);
      await acn.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function results(r: Row): BenchResult[] {
  const p = `scale ${label(r.size)}`;
  const j = r.join;
  return [
    { name: `${p}: store fill`, value: r.fillS, unit: 's', note: `${(r.dbBytes / 1e9).toFixed(2)} GB SQLite file, batches of 10k posts` },
    { name: `${p}: server start-up to listening`, value: r.startS * 1000, unit: 'ms', note: 'spawn → bundle printed, warm page cache' },
    { name: `${p}: server RSS after start`, value: r.rssMiB, unit: 'MiB', note: `peak ${r.hwmMiB.toFixed(0)} MiB after the syncs and the post run` },
    { name: `${p}: replay rate, newest ~100k, packed`, value: r.replay.msgs / r.replay.seconds, unit: 'msgs/s', note: `${r.replay.msgs} msgs, ${(r.replay.bytes / 1e6).toFixed(0)} MB in ${r.replay.seconds.toFixed(1)} s (${(r.replay.bytes / 1e6 / r.replay.seconds).toFixed(0)} MB/s)` },
    { name: `${p}: post rate, ${POST_CLIENTS} clients`, value: r.posts.perS, unit: 'posts/s', note: `${r.posts.accepted} accepted in ${POST_MS / 1000} s, 4.5 KiB EGMs` },
    { name: `${p}: new member sync (group of the last day), bytes`, value: j.bytes, unit: 'B', note: `${(j.bytes / 1e6).toFixed(1)} MB, ${j.msgs} msgs (${RECENT} the group's), packed + windows since creation` },
    { name: `${p}: new member sync, seconds to Synced`, value: j.seconds, unit: 's', note: `client CPU ${j.clientCpuS.toFixed(2)} s (trial decrypt included), server CPU ${j.serverCpuS.toFixed(2)} s` },
    { name: `${p}: server's replay plan for the new member's Since`, value: r.planMs, unit: 'ms', note: 'store.planReplay in this process on a freshly opened store, what the server does before it sends a row' },
  ];
}

function table(rows: readonly Row[]): string {
  const head = ['size', 'fill s', 'GB', 'start ms', 'RSS MiB', 'peak MiB', 'replay msg/s', 'posts/s', 'sync MB', 'sync msgs', 'sync s', 'client CPU s', 'server CPU s', 'plan ms'];
  const lines = rows.map((r) => [label(r.size), r.fillS.toFixed(0), (r.dbBytes / 1e9).toFixed(1), (r.startS * 1000).toFixed(0), r.rssMiB.toFixed(0), r.hwmMiB.toFixed(0), (r.replay.msgs / r.replay.seconds).toFixed(0), r.posts.perS.toFixed(0), (r.join.bytes / 1e6).toFixed(1), String(r.join.msgs), r.join.seconds.toFixed(2), r.join.clientCpuS.toFixed(2), r.join.serverCpuS.toFixed(2), r.planMs.toFixed(0)]);
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((l) => l.map((c, i) => c.padStart(w[i]!)).join('  ')).join('\n') + '\n';
}

const suite: BenchSuite = async (opts) => {
  const sizes = opts.scale ?? [];
  const rows: Row[] = [];
  for (const size of sizes) {
    if (size <= RECENT + REPLAY_NEWEST) throw new Error(`--scale: ${size} is too small (more than ${RECENT + REPLAY_NEWEST} needed)`);
    rows.push(await one(size));
    // Also as soon as it is measured: a long run stopped at a later size keeps this one's numbers.
    process.stderr.write(`bench scale: ${label(size)} done\n${table(rows.slice(-1))}`);
  }
  process.stdout.write(`\nscale: a server with N stored messages, a new member of a group created in the last day\n${table(rows)}\n`);
  return rows.flatMap(results);
};

export default suite;
