// Load campaign: N board clients buy tokens (real 16-bit PoW + token service), post as
// fast as the server answers and stay synced, against a `cwtch-server` child process on the local network; plus
// half-open connections (silent, and a partial handshake) and one client that double-spends its tokens,
// concurrently and sequentially. Measures posts/s, post latency and the server's RSS (VmRSS every 500 ms), probes
// that a fresh client can still replay everything, and afterwards checks the server's SQLite file directly.
// `npm run load` (test/reliability/load-cli.ts) runs it big; test/reliability/load.test.ts runs it CI-sized.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../src/core/bytes.js';
import { BOARD_POSTS_PER_MINUTE } from '../../src/core/limits.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { MESSAGES_DB_FILE } from '../../src/server/server.js';
import type { Token } from '../../src/core/privacypass/token.js';
import type { BenchResult } from '../../bench/harness.js';
import { ServerProc } from '../app/helpers/server-proc.js';
import { buy, connectBoard, egm, localPort, parseBundle, random, type Board } from './board.js';
import { RssSampler, percentile, sleep, type RssSample } from './lib.js';

export interface LoadOptions {
  readonly clients: number;
  readonly seconds: number;
  readonly halfOpen?: number;
  /** Token batches (100 each) bought before the clock starts; default one per client. */
  readonly prebuyBatches?: number;
  /** Ciphertext bytes per post (a real group message is ~4.5 KiB sealed). */
  readonly egmBytes?: number;
  /** Deadline for the fresh-client replay probe. */
  readonly probeDeadlineMs?: number;
  readonly log?: (s: string) => void;
}

export interface LoadReport {
  readonly clients: number;
  readonly seconds: number;
  readonly accepted: number;
  /** Posts answered Success:false that should have succeeded (fresh token, under the rate limit). */
  readonly refused: number;
  /** Posts whose connection closed before the answer. */
  readonly unanswered: number;
  readonly postsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly tokenBuys: number;
  readonly tokenBuyP50Ms: number;
  readonly reconnects: number;
  /** Live NewMessages every client saw for posts made while it was synced — checks fan-out under load. */
  readonly liveDelivered: number;
  /** Successes per double-spent token (each must be exactly 1). */
  readonly doubleSpend: { concurrentWins: number[]; sequentialWins: number[] };
  readonly halfOpen: { opened: number; closedByServer: number };
  /** Fresh clients that replayed from scratch during the run: time to synced, ms. */
  readonly probeMs: number[];
  readonly probeReplayed: number[];
  readonly rss: RssSample[];
  readonly warmupEndMiB: number;
  readonly maxAfterWarmupMiB: number;
  readonly endMiB: number;
  readonly db: { messages: number; spentTokens: number; acceptedMissing: number; rejectedPresent: number };
  /** Every post accepted is in the final fresh replay, exactly once. */
  readonly finalReplay: { replayed: number; acceptedMissing: number; duplicates: number };
}

/** Posts per connection before a client reconnects (fresh identity, resuming from its last commit): under the per-connection limit. */
const POSTS_PER_CONNECTION = BOARD_POSTS_PER_MINUTE - 10;

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const log = o.log ?? (() => {});
  const size = o.egmBytes ?? 1024;
  const root = mkdtempSync(join(tmpdir(), 'cwtch-load-'));
  const net = join(root, 'net');
  const server = await ServerProc.start(net, join(root, 'server'));
  const bundle = parseBundle(server.bundle);
  const acn = localAcn(net);
  const rss = new RssSampler(server.pid);
  const latencies: number[] = [];
  const buyTimes: number[] = [];
  const accepted = new Set<string>();
  const rejected = new Set<string>();
  let refused = 0;
  let unanswered = 0;
  let reconnects = 0;
  let liveDelivered = 0;
  const sockets: Socket[] = [];
  const boards = new Set<Board>();
  try {
    // Half-open connections first, so they sit there for the whole run.
    const halfOpen = o.halfOpen ?? 50;
    const port = localPort(net, bundle.server);
    let closedByServer = 0;
    for (let i = 0; i < halfOpen; i++) {
      const s = connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      // Read (and drop) what the server sends, so we notice when it closes us.
      s.on('data', () => {});
      s.on('close', () => closedByServer++);
      // Half of them send a partial first handshake packet (the real one is a fixed-size frame), then stall.
      if (i % 2 === 1) s.once('connect', () => s.write(random.bytes(1 + (i % 40))));
      sockets.push(s);
    }

    // Tokens come from one shared wallet. Batches are bought before the clock starts (the PoW is the clients'
    // cost, not the server's); an empty wallet buys more during the run, one purchase at a time.
    const wallet: Token[] = [];
    let buying: Promise<void> | null = null;
    const buyBatch = async (): Promise<void> => {
      const t = performance.now();
      wallet.push(...(await buy(acn, bundle)));
      buyTimes.push(performance.now() - t);
    };
    const take = async (): Promise<Token> => {
      while (wallet.length === 0) {
        buying ??= buyBatch().finally(() => (buying = null));
        await buying;
      }
      return wallet.pop()!;
    };
    const tBuy = performance.now();
    // At most 4 purchases at once: each PoW is ~1 s of our CPU, and the token service ends a session after 60 s.
    let toBuy = o.prebuyBatches ?? o.clients;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (toBuy-- > 0) await buyBatch();
      }),
    );
    log(`bought ${wallet.length} tokens in ${((performance.now() - tBuy) / 1000).toFixed(1)} s`);

    const t0 = performance.now();
    const deadline = t0 + o.seconds * 1000;
    const warmupEnd = t0 + Math.min(5000, (o.seconds * 1000) / 4);

    const client = async (): Promise<void> => {
      let last: Uint8Array | null = null;
      while (performance.now() < deadline) {
        const b = await connectBoard(acn, bundle, last);
        boards.add(b);
        await b.synced;
        const mine = new Set<string>();
        const firstLive = b.received.length;
        for (let n = 0; n < POSTS_PER_CONNECTION && performance.now() < deadline; n++) {
          const tok = await take();
          const m = egm(size);
          const sig = toHex(m.signature);
          const sent = performance.now();
          const r = b.client.post(tok, m, bundle.server);
          if (!r.ok) break;
          const ok = (await r.value).accepted;
          if (ok) {
            latencies.push(performance.now() - sent);
            accepted.add(sig);
            mine.add(sig);
          } else if (b.isClosed()) {
            unanswered++;
            break;
          } else {
            refused++;
          }
        }
        // Our own posts must have come back to us live (the server echoes to every synced connection).
        const live = new Set(b.received.slice(firstLive));
        for (const s of mine) if (live.has(s)) liveDelivered++;
        last = b.client.lastCommit;
        boards.delete(b);
        await b.close();
        if (performance.now() < deadline) reconnects++;
      }
    };

    const doubleSpender = async (): Promise<LoadReport['doubleSpend']> => {
      const own = await buy(acn, bundle, 10);
      const [b1, b2] = await Promise.all([connectBoard(acn, bundle, null), connectBoard(acn, bundle, null)]);
      boards.add(b1).add(b2);
      await Promise.all([b1.synced, b2.synced]);
      const concurrentWins: number[] = [];
      const sequentialWins: number[] = [];
      const record = (m: { signature: Uint8Array }, ok: boolean): void => void (ok ? accepted : rejected).add(toHex(m.signature));
      // Concurrent: the same token on two connections at once, on different messages.
      for (let i = 0; i < 3; i++) {
        const tok = own.pop()!;
        const ms = [egm(size), egm(size)];
        const rs = await Promise.all([b1, b2].map((b, k) => {
          const r = b.client.post(tok, ms[k]!, bundle.server);
          return r.ok ? r.value.then((o) => o.accepted) : Promise.resolve(false);
        }));
        rs.forEach((ok, k) => record(ms[k]!, ok));
        concurrentWins.push(rs.filter(Boolean).length);
      }
      // Sequential: spend, wait for the answer, spend again on the same connection, then on the other one.
      for (let i = 0; i < 3; i++) {
        const tok = own.pop()!;
        let wins = 0;
        for (const b of [b1, b1, b2]) {
          const m = egm(size);
          const r = b.client.post(tok, m, bundle.server);
          const ok = r.ok && (await r.value).accepted;
          record(m, ok);
          if (ok) wins++;
        }
        sequentialWins.push(wins);
      }
      boards.delete(b1);
      boards.delete(b2);
      await Promise.all([b1.close(), b2.close()]);
      return { concurrentWins, sequentialWins };
    };

    const probeMs: number[] = [];
    const probeReplayed: number[] = [];
    const probes = async (): Promise<void> => {
      // A fresh client replays from scratch at a few points during the run; it must be synced within the deadline.
      const every = Math.max(1500, (o.seconds * 1000) / 4);
      for (let at = t0 + every / 2; at < deadline; at += every) {
        await sleep(Math.max(0, at - performance.now()));
        const t = performance.now();
        const b = await connectBoard(acn, bundle, null, o.probeDeadlineMs ?? 15_000);
        boards.add(b);
        const done = await Promise.race([b.synced.then((s) => s.replayed), sleep(o.probeDeadlineMs ?? 15_000).then(() => -1)]);
        probeMs.push(done < 0 ? Infinity : performance.now() - t);
        probeReplayed.push(done);
        boards.delete(b);
        await b.close();
      }
    };

    const [ds] = await Promise.all([doubleSpender(), probes(), ...Array.from({ length: o.clients }, client)]);
    const elapsed = (performance.now() - t0) / 1000;
    log(`load phase done after ${elapsed.toFixed(1)} s`);

    // Final check over the wire: a fresh replay holds every accepted post exactly once.
    const fin = await connectBoard(acn, bundle, null);
    const finInfo = await fin.synced;
    const counts = new Map<string, number>();
    for (const s of fin.received) counts.set(s, (counts.get(s) ?? 0) + 1);
    const finalReplay = {
      replayed: finInfo.replayed,
      acceptedMissing: [...accepted].filter((s) => !counts.has(s)).length,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
    };
    await fin.close();

    const samples = rss.stop();
    const afterWarm = samples.filter((s) => s.t >= warmupEnd - t0 + 0);
    const warmupEndMiB = afterWarm[0]?.mib ?? NaN;
    const halfOpenResult = { opened: halfOpen, closedByServer };
    for (const s of sockets) s.destroy();
    await server.stop();

    // The server's own file: every accepted post stored, nothing rejected stored, one spent token per message.
    const db = new Database(join(root, 'server', MESSAGES_DB_FILE), { readonly: true });
    const stored = new Set((db.prepare('SELECT signature FROM messages').pluck().all() as Buffer[]).map((b) => b.toString('hex')));
    const spentTokens = db.prepare('SELECT COUNT(*) FROM spent_tokens').pluck().get() as number;
    db.close();

    return {
      clients: o.clients,
      seconds: elapsed,
      accepted: accepted.size,
      refused,
      unanswered,
      postsPerSecond: accepted.size / elapsed,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      tokenBuys: buyTimes.length,
      tokenBuyP50Ms: percentile(buyTimes, 50),
      reconnects,
      liveDelivered,
      doubleSpend: ds,
      halfOpen: halfOpenResult,
      probeMs,
      probeReplayed,
      rss: samples,
      warmupEndMiB,
      maxAfterWarmupMiB: Math.max(...afterWarm.map((s) => s.mib)),
      endMiB: samples.at(-1)?.mib ?? NaN,
      db: {
        messages: stored.size,
        spentTokens,
        acceptedMissing: [...accepted].filter((s) => !stored.has(s)).length,
        rejectedPresent: [...rejected].filter((s) => stored.has(s)).length,
      },
      finalReplay,
    };
  } finally {
    rss.stop();
    for (const s of sockets) s.destroy();
    for (const b of boards) await b.close().catch(() => {});
    await acn.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The numbers as bench/results.json entries (names contain "load"). */
export function loadBenchResults(r: LoadReport): BenchResult[] {
  const tag = `${r.clients} clients, ${r.seconds.toFixed(0)} s`;
  return [
    { name: 'load posts', value: r.postsPerSecond, unit: 'posts/s', note: `${tag}; cwtch-server child process, real tokens, all clients synced (every post fanned out to all)` },
    { name: 'load post p99', value: r.p99Ms, unit: 'ms', note: `${tag}; post sent → PostResult; p50 ${r.p50Ms.toFixed(1)} ms` },
    { name: 'load server RSS growth after warm-up', value: r.maxAfterWarmupMiB - r.warmupEndMiB, unit: 'MiB', note: `${tag}; ${r.warmupEndMiB.toFixed(1)} → max ${r.maxAfterWarmupMiB.toFixed(1)} MiB` },
    { name: 'load fresh replay under load (max)', value: Math.max(...r.probeMs), unit: 'ms', note: `${tag}; a new client replays everything from scratch while the others post` },
  ];
}
