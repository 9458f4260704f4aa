// "packed replay" (docs/sync-extension.md): bytes on the wire per synced message, plain vs packed, for group
// messages padded as the handbook says (text + padding = 1800 bytes, src/core/groups/group-message.ts). A real
// in-process server on the local network holds N real chained group messages; one client replays them plainly
// (Go's ReplayRequest) and one asks for packing; each counts what it receives with the engine's own byte meter, from
// dialling to Synced (handshake included). Then live pushes: four posters post at once while a plain and a packed
// listener count the bytes each pushed message costs them.

import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import { windowEndOf, type PostToStore } from '../../src/server/message-store.js';
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
import { groupIdFor } from '../../src/core/groups/invite.js';
import { decodeElement } from '../../src/core/crypto/ristretto.js';
import type { Token } from '../../src/core/privacypass/token.js';
import { buyTokens } from '../../src/core/tapir/apps/token-app.js';
import { startBenchServer } from '../local-server.js';
import { listen, until } from '../board-listener.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;
const TEXT = JSON.stringify({ o: 1, d: 'a typical group message of a sentence or two' });
const POSTERS = 4;

const suite: BenchSuite = async (opts) => {
  const out: BenchResult[] = [];
  const n = opts.quick ? 2_000 : 20_000;
  const live = opts.quick ? 40 : 200;
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-packing-'));
  const { server, acn } = await startBenchServer(dir, join(dir, 'net'));
  try {
    const onion = server.bundle.server;
    const groups = [0, 1, 2].map((i): GroupKeyInfo => {
      const key = sha512(utf8(`bench packing group ${i}`)).subarray(0, 32);
      return { groupId: groupIdFor(nodePbkdf2, key, onion), key, server: onion as OnionAddress };
    });
    const sender = identityFromSeed(backend, new Uint8Array(32).fill(3));
    const prev: (Uint8Array | null)[] = groups.map(() => null);
    // Chained like a live conversation (each names its predecessor), so every ciphertext has the ordinary size.
    const build = (i: number): EncryptedGroupMessage => {
      const g = i % groups.length;
      const r = buildGroupMessage({ backend, clock: systemClock, random: nodeRandom }, sender, groups[g]!, TEXT, prev[g] ?? null);
      if (!r.ok) throw new Error(r.error.code);
      prev[g] = r.value.egm.signature;
      return r.value.egm;
    };

    // --- live pushes first, on an empty board: four posters at once, a plain and a packed listener ---
    const plainL = await listen(acn, server, { packedReplay: false });
    const packedL = await listen(acn, server, { packedReplay: true });
    const posters = await Promise.all(Array.from({ length: POSTERS }, () => listen(acn, server, { packedReplay: true })));
    const Y = decodeElement(server.bundle.privacyPassY)!;
    const tokens: Token[] = [];
    while (tokens.length < live) {
      const r = await buyTokens({ acn, tokenService: server.bundle.tokenService, Y, backend, random: nodeRandom, clock: systemClock, batchSize: 100 });
      if (!r.ok) throw new Error(`tokens: ${r.error.code}`);
      tokens.push(...r.value);
    }
    const liveEgms = Array.from({ length: live }, (_, i) => build(i));
    const rx0 = [plainL.rx(), packedL.rx()];
    await Promise.all(
      posters.map(async (p, k) => {
        const mine = liveEgms.filter((_, i) => i % POSTERS === k);
        const sent = mine.map((e, i) => p.client.post(tokens[k + i * POSTERS]!, e, onion as OnionAddress));
        for (const s of sent) if (!s.ok || !(await s.value).accepted) throw new Error('post refused');
      }),
    );
    await until(() => plainL.received() === live && packedL.received() === live, 60_000);
    await new Promise((r) => setTimeout(r, 200));
    const livePlain = (plainL.rx() - rx0[0]!) / live;
    const livePacked = (packedL.rx() - rx0[1]!) / live;
    await Promise.all([plainL, packedL, ...posters].map((l) => l.close()));

    // --- replay: n stored messages, plain then packed ---
    const batch: PostToStore[] = [];
    for (let i = 0; i < n; i++) {
      const e = build(i);
      batch.push({ tokenT: nodeRandom.bytes(32), signature: e.signature, ciphertext: e.ciphertext, windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S) });
      if (batch.length === 2000 || i === n - 1) server.store.commitPosts(batch.splice(0));
    }
    const total = n + live;
    const replay = async (packed: boolean): Promise<{ perMsg: number; seconds: number }> => {
      const t0 = performance.now();
      const l = await listen(acn, server, { packedReplay: packed });
      const seconds = (performance.now() - t0) / 1000;
      if (l.received() !== total) throw new Error(`replayed ${l.received()} of ${total}`);
      const perMsg = l.rx() / total;
      await l.close();
      return { perMsg, seconds };
    };
    const plain = await replay(false);
    const packed = await replay(true);
    // A chained message (the first of each group names no 64-byte predecessor and is a little smaller).
    const ctSize = liveEgms.at(-1)!.ciphertext.length;
    out.push({ name: `packed replay: bytes per synced message, plain (${total} msgs, ${ctSize}-byte ciphertexts)`, value: plain.perMsg, unit: 'B/msg', note: `${plain.seconds.toFixed(2)} s to Synced` });
    out.push({
      name: `packed replay: bytes per synced message, packed (${total} msgs)`,
      value: packed.perMsg,
      unit: 'B/msg',
      ratio: packed.perMsg / plain.perMsg,
      note: `ratio to plain, goal ≤ 0.4; ${packed.seconds.toFixed(2)} s to Synced`,
    });
    out.push({ name: `packed live push: bytes per message, plain (${POSTERS} posters at once)`, value: livePlain, unit: 'B/msg' });
    out.push({
      name: `packed live push: bytes per message, packed (${POSTERS} posters at once)`,
      value: livePacked,
      unit: 'B/msg',
      ratio: livePacked / livePlain,
      note: 'ratio to plain: whole entries per packet, as many as one commit batch holds',
    });
  } finally {
    await server.close();
    await acn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
};

export default suite;
