// Time windows (docs/sync-extension.md §10) end to end on the local network: a real server whose store holds old
// traffic and a recent stretch, clients that give a Since (or not), ask for an estimate first (or not), and a server
// with the extension off; the bytes each client receives counted at its stream.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { windowEndOf, windowStartOf } from '../../src/core/groups/sync-window.js';
import type { ReplayEstimate } from '../../src/core/groups/token-board-client.js';
import { BOARD_WINDOW_DEFAULT_S, PACKED_LENGTH_BYTES, PACKED_MAX_PAYLOAD, PACKED_SIGNATURE_BYTES, PACKET_SIZE } from '../../src/core/limits.js';
import type { Acn } from '../../src/core/net/acn.js';
import { MessageStore } from '../../src/server/message-store.js';
import type { CwtchServer } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { connectBoard, egm, random, startServer, tapAcn, tempDir, until, type BoardHandle } from './helpers.js';

const DAY = 24 * 3600_000;
const OLD = 1000;
const RECENT = 50;
const sigs = (ms: readonly EncryptedGroupMessage[]): string[] => ms.map((m) => toHex(m.signature));
const packets = (ms: readonly EncryptedGroupMessage[]): number =>
  Math.ceil(ms.reduce((n, m) => n + PACKED_LENGTH_BYTES + PACKED_SIGNATURE_BYTES + m.ciphertext.length, 0) / (PACKED_MAX_PAYLOAD - 1));

describe('time windows between our client and our server', () => {
  let t: { dir: string; cleanup: () => void };
  let acn: Acn;
  let server: CwtchServer;
  let plainServer: CwtchServer;
  const old: EncryptedGroupMessage[] = [];
  const recent: EncryptedGroupMessage[] = [];
  const open: BoardHandle[] = [];
  const now = Date.now();
  /** A day ago, as a client would ask (whole seconds). */
  const since = Math.floor((now - DAY) / 1000);

  beforeEach(async () => {
    t = tempDir();
    acn = localAcn(`${t.dir}/net`);
    server = await startServer(acn, `${t.dir}/data`);
    plainServer = await startServer(acn, `${t.dir}/plain`, { timeWindows: false });
    old.length = 0;
    recent.length = 0;
    for (let i = 0; i < OLD; i++) old.push(egm());
    for (let i = 0; i < RECENT; i++) recent.push(egm());
    for (const s of [server, plainServer]) {
      // Ten days ago, then within the last hour.
      s.store.commitPosts(old.map((m) => ({ tokenT: random.bytes(32), windowEnd: windowEndOf(now - 10 * DAY, BOARD_WINDOW_DEFAULT_S), ...m })));
      s.store.commitPosts(recent.map((m) => ({ tokenT: random.bytes(32), windowEnd: windowEndOf(now, BOARD_WINDOW_DEFAULT_S), ...m })));
    }
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    await server.close();
    await plainServer.close();
    await acn.close();
    t.cleanup();
  });

  async function sync(s: CwtchServer, opts: Parameters<typeof connectBoard>[3] = {}) {
    const tap = tapAcn(acn);
    const h = await connectBoard(tap.acn, s.bundle, null, opts);
    open.push(h);
    const info = await h.synced;
    await until(() => tap.rx() % PACKET_SIZE === 0 && h.received.length === info.replayed);
    await new Promise((r) => setTimeout(r, 100));
    return { h, info, rx: tap.rx() };
  }

  it('a client that gives a Since gets only the windows since; a plain client gets everything; both end with the same recent messages', async () => {
    const windowed = await sync(server, { since });
    const plain = await sync(server, { packedReplay: false });
    expect(windowed.info).toEqual({ replayed: RECENT, fullResync: false, since: windowStartOf(since, BOARD_WINDOW_DEFAULT_S) });
    expect(sigs(windowed.h.received)).toEqual(sigs(recent));
    expect(plain.info).toEqual({ replayed: OLD + RECENT, fullResync: false });
    expect(sigs(plain.h.received)).toEqual(sigs([...old, ...recent]));
    expect(sigs(plain.h.received.slice(OLD))).toEqual(sigs(windowed.h.received));
    // The windowed replay took exactly the packets its 50 entries fill; the plain one a packet per message.
    const packedAll = await sync(server, {});
    expect((packedAll.rx - windowed.rx) / PACKET_SIZE).toBe(packets([...old, ...recent]) - packets(recent));
    expect((plain.rx - windowed.rx) / PACKET_SIZE).toBe(OLD + RECENT - packets(recent));
  });

  it('an estimate first: nothing is sent until the client says go, the replay is what it said, and it costs one packet more', async () => {
    const estimates: ReplayEstimate[] = [];
    const direct = await sync(server, { since });
    const asked = await sync(server, { since, onEstimate: (e) => (estimates.push(e), true) });
    expect(estimates).toEqual([{ replayed: RECENT, fullResync: false, since: windowStartOf(since, BOARD_WINDOW_DEFAULT_S), packets: packets(recent), packed: true }]);
    expect(sigs(asked.h.received)).toEqual(sigs(direct.h.received));
    expect(asked.rx - direct.rx).toBe(PACKET_SIZE);
    // Without a Since the estimate covers everything, plain or packed.
    const all: ReplayEstimate[] = [];
    await sync(server, { onEstimate: (e) => (all.push(e), true) });
    await sync(server, { packedReplay: false, onEstimate: (e) => (all.push(e), true) });
    expect(all).toEqual([
      { replayed: OLD + RECENT, fullResync: false, packets: packets([...old, ...recent]), packed: true },
      { replayed: OLD + RECENT, fullResync: false, packets: OLD + RECENT, packed: false },
    ]);
  });

  it('an estimate declined: the client hangs up having received no message', async () => {
    const tap = tapAcn(acn);
    let seen: ReplayEstimate | null = null;
    const h = await connectBoard(tap.acn, server.bundle, null, { onEstimate: (e) => ((seen = e), false) });
    open.push(h);
    await until(() => seen !== null);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen!.replayed).toBe(OLD + RECENT);
    expect(h.received).toEqual([]);
    // The handshake and the one estimate packet: far less than one message's packet per message.
    expect(tap.rx()).toBeLessThan(8 * PACKET_SIZE);
  });

  it('a server with the extension off answers as Go would: Since ignored, no estimate, everything replayed', async () => {
    let estimated = false;
    const r = await sync(plainServer, { since, onEstimate: () => (estimated = true) });
    expect(estimated).toBe(false);
    expect(r.info).toEqual({ replayed: OLD + RECENT, fullResync: false });
    expect(sigs(r.h.received)).toEqual(sigs([...old, ...recent]));
  });
});

describe('the store files rows by window', () => {
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('rows stored before windows existed count as arriving just before the store was opened with them', () => {
    const path = `${t.dir}/old.db`;
    const db = new Database(path);
    db.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, signature BLOB UNIQUE NOT NULL, ciphertext BLOB NOT NULL)');
    db.exec('CREATE TABLE spent_tokens (t BLOB PRIMARY KEY) WITHOUT ROWID');
    const ins = db.prepare('INSERT INTO messages (signature, ciphertext) VALUES (?, ?)');
    for (let i = 0; i < 3; i++) ins.run(random.bytes(64), random.bytes(10));
    db.close();
    const opened = 1_800_000_000;
    const store = new MessageStore(path, 0, opened);
    try {
      store.commitPosts([{ tokenT: random.bytes(32), signature: random.bytes(64), ciphertext: random.bytes(10), windowEnd: opened + 3600 }]);
      expect(store.planReplay(null, opened - 86_400)).toMatchObject({ fromId: 1, count: 4 });
      expect(store.planReplay(null, opened)).toMatchObject({ fromId: 1, count: 4 });
      expect(store.planReplay(null, opened + 1)).toMatchObject({ fromId: 4, count: 1 });
      expect(store.planReplay(null, opened + 3600)).toMatchObject({ count: 0 });
    } finally {
      store.close();
    }
    // Reopened later: the old rows keep the window they were given.
    const again = new MessageStore(path, 0, opened + 10 * 86_400);
    expect(again.planReplay(null, opened + 1)).toMatchObject({ fromId: 4, count: 1 });
    again.close();
  });

  it('a server clock that went back: every row after the first of a window since is replayed (by row order)', () => {
    const store = new MessageStore(':memory:', 0, 0);
    const post = (windowEnd: number) => store.commitPosts([{ tokenT: random.bytes(32), signature: random.bytes(64), ciphertext: random.bytes(10), windowEnd }]);
    post(3600);
    post(10_800);
    post(7200); // the clock stepped back an hour
    post(14_400);
    expect(store.planReplay(null, 7200)).toMatchObject({ fromId: 2, count: 3 });
    // A known LastCommit later than the windows since wins, and the other way round.
    const all = store.rows(1, 4, 10);
    expect(store.planReplay(all[3]!.signature, 0)).toMatchObject({ fromId: 4, count: 1, fullResync: false });
    expect(store.planReplay(all[0]!.signature, 7200)).toMatchObject({ fromId: 2, count: 3, fullResync: false });
    expect(store.planReplay(random.bytes(64), 7200)).toMatchObject({ fromId: 2, count: 3, fullResync: true });
    store.close();
  });
});
