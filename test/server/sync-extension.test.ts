// Packed replay (docs/sync-extension.md) end to end on the local network: real servers, plain (Go-style) and
// extension clients, the bytes each one receives counted at its stream.
import { windowEndOf } from '../../src/server/message-store.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { PACKED_LENGTH_BYTES, PACKED_MAX_PAYLOAD, PACKED_SIGNATURE_BYTES, PACKET_SIZE, BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import type { Acn } from '../../src/core/net/acn.js';
import type { CwtchServer } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { connectBoard, random, startServer, tapAcn, tempDir, tokensFrom, until, type BoardHandle } from './helpers.js';

/** The ciphertext size of a chained one-sentence group message, padded as the handbook says (group-message.ts). */
const PADDED_CT = 2697;
const N = 300;
const paddedEgm = (): EncryptedGroupMessage => ({ ciphertext: random.bytes(PADDED_CT), signature: random.bytes(64) });
const sigs = (ms: readonly EncryptedGroupMessage[]): string[] => ms.map((m) => toHex(m.signature));
/** Packets a packed replay of n such messages takes: the stream fills each packet after its tag byte. */
const packedPackets = (n: number): number => Math.ceil((n * (PACKED_LENGTH_BYTES + PACKED_SIGNATURE_BYTES + PADDED_CT)) / (PACKED_MAX_PAYLOAD - 1));

describe('packed replay between our client and our server', () => {
  let t: { dir: string; cleanup: () => void };
  let acn: Acn;
  let server: CwtchServer;
  let plainServer: CwtchServer;
  const stored: EncryptedGroupMessage[] = [];
  const open: BoardHandle[] = [];

  beforeEach(async () => {
    t = tempDir();
    acn = localAcn(`${t.dir}/net`);
    server = await startServer(acn, `${t.dir}/data`);
    plainServer = await startServer(acn, `${t.dir}/plain`, { packedReplay: false });
    stored.length = 0;
    for (let i = 0; i < N; i++) stored.push(paddedEgm());
    for (const s of [server, plainServer]) s.store.commitPosts(stored.map((m) => ({ tokenT: random.bytes(32), windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S), ...m })));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    await server.close();
    await plainServer.close();
    await acn.close();
    t.cleanup();
  });

  /** A client on its own tapped network; resolves once synced and the post-replay catch-up has arrived. */
  async function sync(s: CwtchServer, packedReplay: boolean, lastCommit: Uint8Array | null = null) {
    const tap = tapAcn(acn);
    const h = await connectBoard(tap.acn, s.bundle, lastCommit, { packedReplay });
    open.push(h);
    const info = await h.synced;
    // The catch-up re-sends the last replayed message (de-duplicated): one packet either way.
    await until(() => tap.rx() % PACKET_SIZE === 0 && h.received.length === info.replayed - (lastCommit === null ? 0 : 1));
    await new Promise((r) => setTimeout(r, 100));
    return { h, info, rx: tap.rx() };
  }

  it('a plain and an extension client end with the same messages; the extension receives whole packets, about a third as many', async () => {
    const plain = await sync(server, false);
    const packed = await sync(server, true);
    expect(plain.info).toEqual({ replayed: N, fullResync: false });
    expect(packed.info).toEqual(plain.info);
    expect(sigs(packed.h.received)).toEqual(sigs(stored));
    expect(sigs(plain.h.received)).toEqual(sigs(stored));
    expect(packed.h.sources.every((s) => s === 'replay')).toBe(true);
    // Every packet on the wire is exactly PACKET_SIZE bytes, and the packed replay took exactly the packets its
    // stream fills (the handshake, ReplayResult and catch-up packets are the same for both).
    expect(plain.rx % PACKET_SIZE).toBe(0);
    expect(packed.rx % PACKET_SIZE).toBe(0);
    expect((plain.rx - packed.rx) / PACKET_SIZE).toBe(N - packedPackets(N));
    expect(packedPackets(N) / N).toBeLessThan(0.4);

    // From a last commit: the same catch-up, the same de-duplication.
    const from = stored[199]!.signature;
    const plainFrom = await sync(server, false, from);
    const packedFrom = await sync(server, true, from);
    expect(packedFrom.info).toEqual({ replayed: N - 199, fullResync: false });
    expect(plainFrom.info).toEqual(packedFrom.info);
    expect(sigs(packedFrom.h.received)).toEqual(sigs(stored.slice(200)));
    expect(sigs(plainFrom.h.received)).toEqual(sigs(packedFrom.h.received));
    expect(toHex(packedFrom.h.client.lastCommit!)).toBe(toHex(stored.at(-1)!.signature));
  }, 60_000);

  it('live posts reach plain and packed clients alike, in the same order', async () => {
    const plain = await sync(server, false);
    const packed = await sync(server, true);
    const tokens = await tokensFrom(acn, server.bundle);
    const posters = await Promise.all([0, 1, 2].map(() => connectBoard(acn, server.bundle)));
    open.push(...posters);
    await Promise.all(posters.map((p) => p.synced));
    const live = Array.from({ length: 9 }, paddedEgm);
    // Three posters at once, so commit batches hold several posts (packed into shared packets).
    await Promise.all(
      posters.map(async (p, i) => {
        for (let k = 0; k < 3; k++) {
          const r = p.client.post(tokens[3 * i + k]!, live[3 * i + k]!, server.bundle.server);
          expect(r.ok && (await r.value).accepted).toBe(true);
        }
      }),
    );
    await until(() => plain.h.received.length === N + 9 && packed.h.received.length === N + 9);
    expect(sigs(packed.h.received)).toEqual(sigs(plain.h.received));
    expect(sigs(packed.h.received.slice(N)).sort()).toEqual(sigs(live).sort());
    expect(packed.h.sources.slice(N).every((s) => s === 'live')).toBe(true);
  }, 60_000);

  it('rows the packing cannot carry go raw between entries, in their place', async () => {
    // Our board never stores these (posts are checked), but the store takes them: a short signature, a ciphertext over the limit.
    const odd = [{ ciphertext: random.bytes(50), signature: random.bytes(10) }, { ciphertext: random.bytes(5900), signature: random.bytes(64) }, paddedEgm()];
    server.store.commitPosts(odd.map((m) => ({ tokenT: random.bytes(32), windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S), ...m })));
    const plain = await sync(server, false);
    const packed = await sync(server, true);
    expect(sigs(packed.h.received)).toEqual(sigs([...stored, ...odd]));
    expect(sigs(plain.h.received)).toEqual(sigs(packed.h.received));
    expect(packed.rx % PACKET_SIZE).toBe(0);
  }, 60_000);

  it('a server with the extension off replays plainly to an extension client (exactly as to a plain one)', async () => {
    const plain = await sync(plainServer, false);
    const ext = await sync(plainServer, true);
    expect(ext.info).toEqual(plain.info);
    expect(sigs(ext.h.received)).toEqual(sigs(stored));
    expect(ext.rx).toBe(plain.rx);
    expect(ext.rx).toBeGreaterThanOrEqual(N * PACKET_SIZE);
  }, 60_000);
});
