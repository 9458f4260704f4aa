import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../src/core/bytes.js';
import { localAcn } from '../../src/tor/local-acn.js';
import type { Acn } from '../../src/core/net/acn.js';
import type { CwtchServer } from '../../src/server/server.js';
import { connectBoard, egm, startServer, tempDir, tokensFrom, until } from './helpers.js';

describe('client ↔ server on the local network', () => {
  let t: { dir: string; cleanup: () => void };
  let acn: Acn;
  let server: CwtchServer;
  beforeEach(async () => {
    t = tempDir();
    acn = localAcn(`${t.dir}/net`);
    server = await startServer(acn, `${t.dir}/data`);
  });
  afterEach(async () => {
    await server.close();
    await acn.close();
    t.cleanup();
  });

  it('buy tokens, post, live broadcast to every synced client including the poster, replays', async () => {
    const tokens = await tokensFrom(acn, server.bundle);
    expect(tokens).toHaveLength(10);
    expect(server.stats.tokensIssued).toBe(10);

    const a = await connectBoard(acn, server.bundle);
    const b = await connectBoard(acn, server.bundle);
    const c = await connectBoard(acn, server.bundle);
    for (const h of [a, b, c]) expect(await h.synced).toEqual({ replayed: 0, fullResync: false });

    const m1 = egm('one');
    const r = a.client.post(tokens[0]!, m1, server.bundle.server);
    expect(r.ok).toBe(true);
    expect(r.ok && (await r.value).accepted).toBe(true);
    await until(() => [a, b, c].every((h) => h.received.length === 1));
    for (const h of [a, b, c]) {
      expect(bytesEqual(h.received[0]!.signature, m1.signature)).toBe(true);
      expect(h.sources).toEqual(['live']);
    }
    const m2 = egm('two');
    const m3 = egm('three');
    const p2 = b.client.post(tokens[1]!, m2, server.bundle.server);
    const p3 = b.client.post(tokens[2]!, m3, server.bundle.server);
    expect(p2.ok && (await p2.value).accepted).toBe(true);
    expect(p3.ok && (await p3.value).accepted).toBe(true);
    await until(() => a.received.length === 3);
    expect(a.received.map((e) => toHex(e.signature))).toEqual([m1, m2, m3].map((e) => toHex(e.signature)));
    expect(server.stats.posts).toBe(3);

    // Replay from scratch: all three.
    const fresh = await connectBoard(acn, server.bundle);
    expect(await fresh.synced).toEqual({ replayed: 3, fullResync: false });
    expect(fresh.received.map((e) => toHex(e.signature))).toEqual([m1, m2, m3].map((e) => toHex(e.signature)));

    // Replay from a last commit (m2): the server re-sends m2 (inclusive) in the replay and again as NewMessage;
    // the client delivers only m3.
    const from2 = await connectBoard(acn, server.bundle, m2.signature);
    expect(await from2.synced).toEqual({ replayed: 2, fullResync: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(from2.received.map((e) => toHex(e.signature))).toEqual([toHex(m3.signature)]);
    expect(bytesEqual(from2.client.lastCommit!, m3.signature)).toBe(true);

    // Replay from the newest message: the re-sent last message is de-duplicated, nothing new is delivered.
    const fromLast = await connectBoard(acn, server.bundle, m3.signature);
    expect((await fromLast.synced).replayed).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(fromLast.received).toEqual([]);

    // An unknown LastCommit: everything, flagged as a full resync.
    const unknown = await connectBoard(acn, server.bundle, new Uint8Array(64).fill(7));
    expect(await unknown.synced).toEqual({ replayed: 3, fullResync: true });
    expect(unknown.received).toHaveLength(3);

    // Live messages reach clients that synced from a commit, too.
    const m4 = egm('four');
    const p4 = c.client.post(tokens[3]!, m4, server.bundle.server);
    expect(p4.ok && (await p4.value).accepted).toBe(true);
    await until(() => from2.received.length === 2 && fromLast.received.length === 1 && a.received.length === 4);
    expect(server.stats.replays).toBe(3 + 4);
    for (const h of [a, b, c, fresh, from2, fromLast, unknown]) await h.close();
  });

  it('double spend: the same token twice, concurrently on two connections and again later, is accepted once', async () => {
    const [tok] = await tokensFrom(acn, server.bundle);
    const a = await connectBoard(acn, server.bundle);
    const b = await connectBoard(acn, server.bundle);
    await a.synced;
    await b.synced;
    const pa = a.client.post(tok!, egm('a'), server.bundle.server);
    const pb = b.client.post(tok!, egm('b'), server.bundle.server);
    const results = await Promise.all([pa.ok ? pa.value.then((o) => o.accepted) : false, pb.ok ? pb.value.then((o) => o.accepted) : false]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const again = a.client.post(tok!, egm('c'), server.bundle.server);
    expect(again.ok && (await again.value).accepted).toBe(false);
    expect(server.store.count()).toBe(1);
    expect(server.stats.spendsRejected).toBe(2);
    await a.close();
    await b.close();
  });

  it('a token from another server is refused', async () => {
    const t2 = tempDir();
    const other = await startServer(acn, t2.dir);
    try {
      const [foreign] = await tokensFrom(acn, other.bundle);
      const a = await connectBoard(acn, server.bundle);
      await a.synced;
      const p = a.client.post(foreign!, egm(), server.bundle.server);
      expect(p.ok && (await p.value).accepted).toBe(false);
      // Even when the client binds it to the other server's onion.
      const p2 = a.client.post(foreign!, egm(), other.bundle.server);
      expect(p2.ok && (await p2.value).accepted).toBe(false);
      expect(server.store.count()).toBe(0);
      await a.close();
    } finally {
      await other.close();
      t2.cleanup();
    }
  });
});
