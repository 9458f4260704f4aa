// "time windows" (docs/sync-extension.md §10): a new member joins a group on a server that already holds N messages
// of other groups spread over the past year, of which only the group's own — R of them — came in the last day. Three
// joins on the same real server (in-process, local network): a plain Go-style replay, a packed replay of everything,
// and a packed replay from the Since our invite's creation time gives (less the skew margin). Each counts the bytes
// it receives with the engine's byte meter from dialling to Synced, and trial-decrypts every message with the group
// key as the engine does. Then the cost of asking first: the server's estimate, timed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha512 } from '@noble/hashes/sha2.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { utf8 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { buildGroupMessage, type GroupKeyInfo } from '../../src/core/groups/group-message.js';
import { groupIdFor, inviteCreated } from '../../src/core/groups/invite.js';
import { syncSince, windowEndOf } from '../../src/core/groups/sync-window.js';
import { TokenBoardClientApp, type ReplayEstimate } from '../../src/core/groups/token-board-client.js';
import { TrialOpener } from '../../src/core/groups/trial-open.js';
import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { TapirService } from '../../src/core/tapir/service.js';
import type { PostToStore } from '../../src/server/message-store.js';
import { listen } from '../board-listener.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { startBenchServer } from '../local-server.js';

const backend = sodiumNativeBackend;
const TEXT = JSON.stringify({ o: 1, d: 'a typical group message of a sentence or two' });
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const suite: BenchSuite = async (opts) => {
  const out: BenchResult[] = [];
  const total = opts.quick ? 100_000 : 1_000_000;
  const recent = opts.quick ? 100 : 1000;
  const others = total - recent;
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-windows-'));
  const { server, acn } = await startBenchServer(dir, join(dir, 'net'));
  try {
    const onion = server.bundle.server;
    const key = sha512(utf8('bench windows group')).subarray(0, 32);
    const group: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, key, onion), key, server: onion as OnionAddress };
    const sender = identityFromSeed(backend, new Uint8Array(32).fill(5));
    const now = Date.now();
    // Other groups' messages: padded ordinary messages like ours (the server cannot tell them apart), a year's
    // worth ending a day ago, each under its own signature.
    const pool = Array.from({ length: 64 }, () => {
      const other: GroupKeyInfo = { ...group, key: nodeRandom.bytes(32) };
      const r = buildGroupMessage({ backend, clock: systemClock, random: nodeRandom }, sender, other, TEXT, nodeRandom.bytes(64));
      if (!r.ok) throw new Error(r.error.code);
      return r.value.egm.ciphertext;
    });
    const t0 = performance.now();
    const start = now - 365 * DAY;
    const span = 364 * DAY;
    let batch: PostToStore[] = [];
    for (let i = 0; i < others; i++) {
      batch.push({ tokenT: nodeRandom.bytes(32), signature: nodeRandom.bytes(64), ciphertext: pool[i % pool.length]!, windowEnd: windowEndOf(start + (span * i) / others, BOARD_WINDOW_DEFAULT_S) });
      if (batch.length === 5000) {
        server.store.commitPosts(batch);
        batch = [];
      }
    }
    // The group: created 23 hours ago, its messages chained through the last day.
    const createdAt = inviteCreated(now - 23 * HOUR) * 1000;
    let prev: Uint8Array | null = null;
    for (let i = 0; i < recent; i++) {
      const r = buildGroupMessage({ backend, clock: systemClock, random: nodeRandom }, sender, group, TEXT, prev);
      if (!r.ok) throw new Error(r.error.code);
      prev = r.value.egm.signature;
      batch.push({ tokenT: nodeRandom.bytes(32), signature: r.value.egm.signature, ciphertext: r.value.egm.ciphertext, windowEnd: windowEndOf(now - 23 * HOUR + (23 * HOUR * i) / recent, BOARD_WINDOW_DEFAULT_S) });
    }
    server.store.commitPosts(batch);
    const fillSeconds = (performance.now() - t0) / 1000;

    const opener = new TrialOpener(backend);
    const join_ = async (o: { packedReplay: boolean; since?: number | null }): Promise<{ bytes: number; seconds: number; replayed: number }> => {
      let mine = 0;
      const onMessage = (egm: EncryptedGroupMessage): void => {
        if (opener.find(egm.ciphertext, [group]) !== null) mine++;
      };
      const t = performance.now();
      const l = await listen(acn, server, { ...o, onMessage });
      const seconds = (performance.now() - t) / 1000;
      const bytes = l.rx();
      const replayed = l.received();
      await l.close();
      if (mine !== recent) throw new Error(`found ${mine} of the group's ${recent} messages`);
      return { bytes, seconds, replayed };
    };
    const since = syncSince([{ createdAt, syncedAt: null }]);
    const windowed = await join_({ packedReplay: true, since });
    const packed = await join_({ packedReplay: true });
    const plain = await join_({ packedReplay: false });

    // The estimate a low-bandwidth member asks for first: one round trip, no message sent.
    const estimate = async (s: number | null): Promise<{ seconds: number; e: ReplayEstimate }> => {
      const svc = TapirService.ephemeral({ acn, backend, random: nodeRandom, clock: systemClock });
      let done!: (x: ReplayEstimate) => void;
      const got = new Promise<ReplayEstimate>((r) => (done = r));
      const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend, random: nodeRandom }), {
        since: s,
        onMessage: () => undefined,
        onEstimate: (e) => (done(e), false),
      });
      const c = await svc.connect(server.bundle.server, app);
      if (!c.ok) throw new Error('connect failed');
      const t = performance.now();
      const e = await got;
      const seconds = (performance.now() - t) / 1000;
      await svc.close();
      return { seconds, e };
    };
    const estWindowed = await estimate(since);
    const estAll = await estimate(null);

    const label = `new member join, ${total.toLocaleString('en')} msgs on the server, ${recent} of the group in the last day`;
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    out.push({ name: `time windows: ${label}: bytes, plain (Go replay)`, value: plain.bytes, unit: 'B', note: `${mb(plain.bytes)}, ${plain.replayed} msgs, ${plain.seconds.toFixed(1)} s to Synced; store filled in ${fillSeconds.toFixed(0)} s` });
    out.push({ name: `time windows: ${label}: bytes, packed, everything`, value: packed.bytes, unit: 'B', ratio: packed.bytes / plain.bytes, note: `${mb(packed.bytes)}, ${packed.seconds.toFixed(1)} s to Synced; ratio to plain` });
    out.push({
      name: `time windows: ${label}: bytes, packed + windows since creation`,
      value: windowed.bytes,
      unit: 'B',
      ratio: windowed.bytes / plain.bytes,
      note: `${mb(windowed.bytes)}, ${windowed.replayed} msgs (the day's and the skew margin's), ${windowed.seconds.toFixed(2)} s to Synced; ${(plain.bytes / windowed.bytes).toFixed(0)}x fewer bytes than plain (goal ≥ 100x), ${(plain.seconds / windowed.seconds).toFixed(0)}x faster`,
    });
    out.push({ name: `time windows: ${label}: seconds to Synced, plain`, value: plain.seconds, unit: 's' });
    out.push({ name: `time windows: ${label}: seconds to Synced, packed + windows`, value: windowed.seconds, unit: 's', ratio: windowed.seconds / plain.seconds, note: 'ratio to plain' });
    out.push({
      name: `time windows: the server's estimate before a sync (auth included), windows since creation`,
      value: estWindowed.seconds * 1000,
      unit: 'ms',
      note: `${estWindowed.e.replayed} msgs, ${estWindowed.e.packets} packets; everything: ${estAll.e.replayed} msgs, ${estAll.e.packets} packets in ${(estAll.seconds * 1000).toFixed(0)} ms`,
    });
  } finally {
    await server.close();
    await acn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
};

export default suite;
