// Crash campaign, on the local network with real processes: kill -9 of a headless
// client while it receives and while it sends (its outbox), and kill -9 of the cwtch-server during posts. After
// each restart: nothing acknowledged is lost (every message the sender saw `ack` for is in the receiver's
// history; every post the server answered Success for is in a fresh replay), nothing is duplicated, and clients
// reconnect by themselves (peer-state / server-state back without any command). Repeated CRASH_ROUNDS times
// (default 1 in CI, 3 otherwise). The tor variant (kill -9 of a client's own tor) is in crash-tor.test.ts.
// Needs `npm run build` (npm test builds dist first).

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { MESSAGES_DB_FILE } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import type { Acn } from '../../src/core/net/acn.js';
import { ServerProc } from '../app/helpers/server-proc.js';
import { buy, connectBoard, egm, parseBundle } from './board.js';
import { authenticated, befriend, duplicates, eventually, Peer } from './peers.js';

const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? (process.env['CI'] === 'true' ? 1 : 3));
const BURST = 12;

let root: string;
let net: string;
const peers: Peer[] = [];
const servers: ServerProc[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cwtch-crash-'));
  net = join(root, 'net');
});

afterAll(async () => {
  for (const p of peers) p.killNow();
  for (const s of servers) await s.stop();
  rmSync(root, { recursive: true, force: true });
});

function peer(name: string): Peer {
  const p = Peer.local(name, root, net);
  peers.push(p);
  return p;
}

/** The texts `sender` sent in `tag`, each with whether the sender saw its ack (in any of its processes). */
function sentWithAcks(sender: Peer, to: string, tag: string): { text: string; acked: boolean }[] {
  const sent = sender.allEvents((e) => e.event === 'message' && e.outgoing === true && e.conversation === to && String(e.text).startsWith(tag));
  const acks = new Set(sender.allEvents((e) => e.event === 'ack').map((e) => e.messageId as string));
  return sent.map((e) => ({ text: e.text as string, acked: acks.has(e.messageId as string) }));
}

describe('crash campaign: headless clients (kill -9)', () => {
  it(`kill -9 during receive and during send, ${ROUNDS} round(s): acknowledged messages survive, exactly once, reconnect without commands`, async () => {
    const a = peer('alice');
    const b = peer('bob');
    await Promise.all([a.create(), b.create()]);
    await befriend(a, b);

    for (let round = 0; round < ROUNDS; round++) {
      // Receiver crash: a burst goes out; bob dies after a few have arrived.
      const rtag = `recv-${round}-`;
      const bobBefore = b.proc;
      for (let i = 0; i < BURST; i++) a.proc.send({ cmd: 'send', to: b.onion, text: `${rtag}${i}` });
      await bobBefore.waitFor((e) => e.event === 'message' && String(e.text).startsWith(rtag), 30_000, 'first of the burst at bob');
      await b.crash();
      // Nobody sends a command: both sides find each other again, and alice's outbox drains.
      await b.proc.waitFor(authenticated(a.onion), 30_000, 'bob reconnected');
      await eventually(async () => sentWithAcks(a, b.onion, rtag).filter((m) => m.acked).length === BURST, 60_000, 'every message of the burst acknowledged');
      const hb = (await b.historyWith(a.onion)).filter((m) => !m.outgoing).map((m) => m.text);
      for (const m of sentWithAcks(a, b.onion, rtag)) expect(hb.filter((t) => t === m.text)).toHaveLength(1);
      expect(duplicates(hb)).toEqual([]);

      // Sender crash: alice queues a burst and dies before it has all gone out.
      const stag = `send-${round}-`;
      const aliceBefore = a.proc;
      for (let i = 0; i < BURST; i++) a.proc.send({ cmd: 'send', to: b.onion, text: `${stag}${i}` });
      await aliceBefore.waitFor((e) => e.event === 'message' && e.outgoing === true && String(e.text) === `${stag}${BURST - 1}`, 30_000, 'burst queued');
      await a.crash();
      await a.proc.waitFor(authenticated(b.onion), 30_000, 'alice reconnected');
      // Everything alice still has as outgoing after the restart goes out (outbox) and is acknowledged.
      await eventually(
        async () => {
          const ha = (await a.historyWith(b.onion)).filter((m) => m.outgoing && m.text.startsWith(stag));
          return ha.length > 0 && ha.every((m) => m.ack === 'acknowledged');
        },
        60_000,
        'alice outbox drained after restart',
      );
      const ha = (await a.historyWith(b.onion)).filter((m) => m.outgoing && m.text.startsWith(stag)).map((m) => m.text);
      const hb2 = (await b.historyWith(a.onion)).filter((m) => !m.outgoing).map((m) => m.text);
      // Acked before the crash, or kept and acked after it: at bob exactly once.
      const mustHave = new Set([...sentWithAcks(a, b.onion, stag).filter((m) => m.acked).map((m) => m.text), ...ha]);
      for (const t of mustHave) expect(hb2.filter((x) => x === t), t).toHaveLength(1);
      expect(duplicates(hb2)).toEqual([]);
      expect(duplicates(ha)).toEqual([]);
      // Nothing arrives at bob that alice does not have (a message alice lost in the crash must not arrive twice later).
      expect(hb2.filter((t) => t.startsWith(stag) && !mustHave.has(t))).toEqual([]);
    }
    expect(a.restarts + b.restarts).toBe(2 * ROUNDS);
  }, 120_000 * ROUNDS);
});

describe('crash campaign: the server (kill -9 during posts)', () => {
  it(`${ROUNDS} round(s): every post answered Success is in a fresh replay once; a group member re-syncs by itself and its queued post goes out`, async () => {
    const dataDir = join(root, 'server');
    let server = await ServerProc.start(net, dataDir);
    servers.push(server);
    const bundle = parseBundle(server.bundle);
    const acn: Acn = localAcn(net);
    const g = peer('gwen');
    await g.create();
    const created = await g.proc.call({ cmd: 'create-group', server: server.bundle, name: 'crashers' }, 'group', 60_000);
    const group = created.groupId as string;
    let syncCount = 0;
    const countSyncs = (): number => g.allEvents((e) => e.event === 'server-state' && e.server === bundle.server && e.state === 'Synced').length;
    await eventually(async () => countSyncs() > syncCount, 30_000, 'gwen synced');
    const accepted = new Set<string>();
    try {
      const wallet = await buy(acn, bundle);
      for (let round = 0; round < ROUNDS; round++) {
        syncCount = countSyncs();
        const boards = await Promise.all([0, 1, 2].map(() => connectBoard(acn, bundle, null)));
        await Promise.all(boards.map((b) => b.synced));
        let stop = false;
        const posters = boards.map(async (b) => {
          while (!stop && wallet.length > 0) {
            const m = egm(512);
            const r = b.client.post(wallet.pop()!, m, bundle.server);
            if (!r.ok) return;
            if ((await r.value).accepted) accepted.add(toHex(m.signature));
            else if (b.isClosed()) return;
          }
        });
        // Gwen posts to her group while the server dies under the posters.
        const sent = await g.proc.call({ cmd: 'send', to: group, text: `group-${round}` }, 'message');
        await new Promise((r) => setTimeout(r, 400));
        const before = accepted.size;
        process.kill(server.pid, 'SIGKILL');
        await server.exited;
        stop = true;
        await Promise.all(posters);
        await Promise.all(boards.map((b) => b.close()));
        expect(before).toBeGreaterThan(0);

        server = await ServerProc.start(net, dataDir);
        servers.push(server);
        // Fresh replay: every Success is there, once.
        const fresh = await connectBoard(acn, bundle, null);
        const info = await fresh.synced;
        await fresh.close();
        const missing = [...accepted].filter((s) => !fresh.received.includes(s));
        expect(missing).toEqual([]);
        expect(duplicates(fresh.received)).toEqual([]);
        expect(info.replayed).toBeGreaterThanOrEqual(accepted.size);
        // Gwen comes back by herself (back-off), and her group post is acknowledged exactly once.
        await eventually(async () => countSyncs() > syncCount, 60_000, 'gwen re-synced without a command');
        await g.proc.waitFor((e) => e.event === 'ack' && e.messageId === sent.messageId, 60_000, 'group post acked after the restart');
        const hist = (await g.historyWith(group)).map((m) => m.text);
        expect(hist.filter((t) => t === `group-${round}`)).toHaveLength(1);
        expect(duplicates(hist)).toEqual([]);
      }
    } finally {
      await acn.close();
      await server.stop();
    }
    // The server's file agrees: one spent token per stored message, every Success stored.
    const db = new Database(join(dataDir, MESSAGES_DB_FILE), { readonly: true });
    const stored = new Set((db.prepare('SELECT signature FROM messages').pluck().all() as Buffer[]).map((x) => x.toString('hex')));
    const spent = db.prepare('SELECT COUNT(*) FROM spent_tokens').pluck().get() as number;
    db.close();
    expect([...accepted].filter((s) => !stored.has(s))).toEqual([]);
    expect(spent).toBe(stored.size);
  }, 120_000 * ROUNDS);
});
