// "group repair": gap repair from a peer (docs/protocol.md §12.3) through three real engines (real encrypted
// profiles) and a real in-process CwtchServer on the local network (127.0.0.1, tapir packets encrypted).
//
// Alice posts; bob is an online member and an approved 1:1 contact of carol; carol has the gap. Setup: bob and carol
// befriend each other, alice creates a group, bob and carol join by invite, bob posts once (so carol knows him as a
// member) and carol gets it. Carol goes quiet (low-bandwidth mode), alice posts N, bob receives them all. The server
// then loses all of alice's N but the last (rows deleted from its SQLite message store through a second connection,
// as test/ui/helpers/real-server.ts withholds). Measured: carol's `sync` → all N in her history and no gap open —
// she gets the last message from the server, a gap opens before it, and she asks bob for the chain back from it,
// ASK_BATCH (100) messages per request, one request outstanding, at most REPAIR_ASKS_PER_PEER_PER_MINUTE a minute.
// N = 1000 leaves 999 to repair: exactly 10 requests, the whole per-minute budget. (Past it the repair waits for the
// minute to pass and asks again by itself: group-repair-rate.test.ts. It once stalled there; this bench found it.)
//
// Wired as src/app/main.ts and src/app/server-main.ts wire them (sodium-native, node PBKDF2, system clock and
// randomness, native token ops, server commits in a worker thread). All four share this process.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/app/engine/engine.js';
import { INBOUND_KEY } from '../../src/app/engine/byte-meter.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { fromBase64 } from '../../src/core/bytes.js';
import type { EngineCommand } from '../../src/core/api/commands.js';
import type { EngineEvent } from '../../src/core/api/events.js';
import { REPAIR_ASKS_PER_PEER_PER_MINUTE } from '../../src/core/limits.js';
import type { Acn } from '../../src/core/net/acn.js';
import { MESSAGES_DB_FILE, type CwtchServer } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { startBenchServer } from '../local-server.js';
import { percentile, type BenchResult, type BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;

type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

/** One engine on its own local-network Acn, every event it emitted kept in order, and a command helper. */
class Node {
  readonly events: EngineEvent[] = [];
  readonly engine: Engine;
  readonly acn: Acn;
  private n = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    net: string,
    home: string,
  ) {
    this.acn = localAcn(net);
    this.engine = new Engine({ backend, pbkdf2: nodePbkdf2, random: nodeRandom, clock: systemClock, acn: this.acn, home, log: () => {} });
    this.engine.subscribe((e) => {
      this.events.push(e);
      // Checked once every listener (the suite's own subscriptions too) has seen the event.
      if (this.waiters.size > 0) queueMicrotask(() => void [...this.waiters].forEach((w) => w()));
    });
  }

  /** Send a command with a fresh id; resolves with the answer of kind `answer`, rejects on an error with that id. */
  async call<K extends EngineEvent['event']>(c: EngineCommand, answer: K, ms = 30_000): Promise<Ev<K>> {
    const id = `${this.name}-${++this.n}`;
    const from = this.events.length;
    this.engine.command({ ...c, id } as EngineCommand);
    const e = await this.until((es) => es.slice(from).find((x) => x.id === id && (x.event === answer || x.event === 'error')), ms, `${this.name}: ${c.cmd} → ${answer}`);
    if (e.event === 'error') throw new Error(`${this.name}: ${c.cmd} failed: ${e.code}: ${e.message}`);
    return e as Ev<K>;
  }

  /** Resolves with the first non-undefined value `check` returns, checked now and after every event; rejects after `ms`. */
  until<T>(check: (events: readonly EngineEvent[]) => T | undefined, ms: number, what: string | (() => string)): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w = (): void => {
        const v = check(this.events);
        if (v === undefined) return;
        this.waiters.delete(w);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        const tail = this.events.slice(-10).map((e) => e.event + ('code' in e ? `:${e.code}` : '') + ('state' in e ? `:${e.state}` : ''));
        reject(new Error(`timed out after ${ms / 1000} s waiting for ${typeof what === 'string' ? what : what()}; last events: ${tail.join(' ')}`));
      }, ms);
      this.waiters.add(w);
      w();
    });
  }

  /** A cheaper `until` for a condition kept up to date by the caller's own subscription. */
  waitForEvent(pred: (e: EngineEvent) => boolean, ms: number, what: string, from = 0): Promise<EngineEvent> {
    let i = from;
    return this.until(
      (es) => {
        for (; i < es.length; i++) if (pred(es[i]!)) return es[i]!;
        return undefined;
      },
      ms,
      what,
    );
  }

  async close(): Promise<void> {
    await this.engine.close();
    await this.acn.close();
  }
}

const suite: BenchSuite = async ({ quick }) => {
  const n = quick ? 200 : 1000;
  const out: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-group-repair-'));
  const net = join(dir, 'net');
  let serverAcn: Acn | null = null;
  let server: CwtchServer | null = null;
  let db: Database.Database | null = null;
  const nodes: Node[] = [];
  try {
    // --- the server, as server-main wires it, with the post rate limit out of the way ---
    const started = await startBenchServer(dir, net);
    serverAcn = started.acn;
    server = started.server;
    const dataDir = started.dataDir;

    const start = (name: string): Node => {
      const node = new Node(name, net, join(dir, name));
      nodes.push(node);
      return node;
    };
    const alice = start('alice');
    const bob = start('bob');
    const carol = start('carol');
    const [, ob, oc] = await Promise.all([alice, bob, carol].map(async (p) => (await p.call({ cmd: 'create-profile', name: p.name, password: `${p.name} bench password` }, 'profile', 60_000)).onion));

    // Bob and carol: approved contacts of each other, a session up.
    await bob.call({ cmd: 'add', text: oc! }, 'contact');
    await carol.call({ cmd: 'add', text: ob! }, 'contact');
    const up = (p: Node, onion: string) => p.waitForEvent((e) => e.event === 'peer-state' && e.onion === onion && e.state === 'Authenticated', 30_000, `${p.name}: peer ${onion.slice(0, 8)} Authenticated`);
    await Promise.all([up(bob, oc!), up(carol, ob!)]);

    const synced = (p: Node, server: string, from: number) => p.waitForEvent((e) => e.event === 'server-state' && e.server === server && e.state === 'Synced', 30_000, `${p.name}: Synced`, from);
    let mark = alice.events.length;
    const g = await alice.call({ cmd: 'create-group', server: server.bundleString, name: 'bench repair' }, 'group');
    await synced(alice, g.server, mark);
    for (const p of [bob, carol]) {
      mark = p.events.length;
      await p.call({ cmd: 'add', text: g.invite }, 'group');
      await synced(p, g.server, mark);
    }
    const inGroup = (e: EngineEvent): e is Ev<'message'> => e.event === 'message' && e.conversation === g.groupId;

    // Bob posts once, so carol knows him as a member (members are the senders she has seen).
    const hello = await bob.call({ cmd: 'send', to: g.groupId, text: 'bob is here' }, 'message');
    await bob.waitForEvent((e) => e.event === 'ack' && e.messageId === hello.messageId, 30_000, 'bob: ack of his post');
    await carol.waitForEvent((e) => inGroup(e) && e.text === 'bob is here', 30_000, 'carol: bob\'s post');

    // Carol goes quiet; alice posts N and waits for every ack; bob receives them all.
    await carol.call({ cmd: 'lowbw', on: true }, 'lowbw');
    const sigs: string[] = new Array<string>(n);
    const acked = new Set<string>();
    let failures = 0;
    const offAlice = alice.engine.subscribe((e) => {
      if (inGroup(e) && e.outgoing && e.id?.startsWith('post-') === true) sigs[Number(e.id.slice(5))] = e.messageId;
      else if (e.event === 'ack' && e.conversation === g.groupId) acked.add(e.messageId);
      else if (e.event === 'failed' || e.event === 'error') failures++;
    });
    const bobGot = new Set<string>();
    const offBob = bob.engine.subscribe((e) => {
      if (inGroup(e) && !e.outgoing) bobGot.add(e.messageId);
    });
    const tPost = performance.now();
    for (let i = 0; i < n; i++) alice.engine.command({ cmd: 'send', to: g.groupId, text: `alice's post ${i}: a typical group message of a sentence or two`, id: `post-${i}` });
    const allIn = (set: Set<string>) => (): true | undefined => (sigs.every((s) => s !== undefined && set.has(s)) && sigs.filter(Boolean).length === n ? true : undefined);
    await alice.until(allIn(acked), 120_000, () => `alice: ${n} acks (${acked.size} so far, ${failures} failures)`);
    await bob.until(allIn(bobGot), 60_000, `bob: all ${n} of alice's posts`);
    offAlice();
    offBob();
    const postSeconds = (performance.now() - tPost) / 1000;

    // The server loses all of them but the last.
    db = new Database(join(dataDir, MESSAGES_DB_FILE));
    const del = db.prepare('DELETE FROM messages WHERE signature = ?');
    const withheld = db.transaction((ids: readonly string[]) => {
      let k = 0;
      for (const id of ids) {
        const b = fromBase64(id);
        if (b === null) throw new Error('a messageId that is not a base64 group signature');
        k += del.run(Buffer.from(b)).changes;
      }
      return k;
    })(sigs.slice(0, n - 1));
    if (withheld !== n - 1) throw new Error(`deleted ${withheld} rows, expected ${n - 1}`);
    const wanted = new Set(sigs);

    // --- the repair: carol syncs, gets the last, opens a gap, asks bob until the chain is whole ---
    const seen = new Map<string, number>(); // alice's messages: messageId → message events carol emitted for it
    const gapsOpen = new Set<string>();
    const gapIds = new Set<string>();
    const asks: { at: number; gapId: string }[] = [];
    let gapEvents = 0;
    let closedByPeer = 0;
    let closedOther = 0;
    let repairsFromOther = 0;
    let giveUps = 0;
    let errors = 0;
    let lastError = '';
    let t0 = NaN;
    let firstGapAt = NaN;
    let lastSeenAt = NaN;
    const offCarol = carol.engine.subscribe((e) => {
      const now = performance.now();
      if (inGroup(e) && wanted.has(e.messageId)) {
        seen.set(e.messageId, (seen.get(e.messageId) ?? 0) + 1);
        lastSeenAt = now;
      } else if (e.event === 'gap' && e.group === g.groupId) {
        if (gapIds.size === 0) firstGapAt = now;
        gapEvents++;
        gapIds.add(e.gapId);
        gapsOpen.add(e.gapId);
      } else if (e.event === 'gap-closed' && e.group === g.groupId) {
        gapsOpen.delete(e.gapId);
        if (e.closedBy === 'peer' && e.from === ob) closedByPeer++;
        else closedOther++;
      } else if (e.event === 'gap-repair' && e.group === g.groupId) {
        if (e.from === null) giveUps++;
        else if (e.from === ob) asks.push({ at: now, gapId: e.gapId });
        else repairsFromOther++;
      } else if (e.event === 'error') {
        errors++;
        lastError = `${e.code}: ${e.message}`;
      }
    });
    const meterBob0 = carol.engine.meter.get('contact', ob!);
    const meterIn0 = carol.engine.meter.get('contact', INBOUND_KEY);
    const stats0 = { ...carol.engine.repairStats! };
    const cpu0 = process.cpuUsage();
    const limitMs = quick ? 60_000 : 80_000;
    let t1 = NaN;
    try {
      t0 = performance.now();
      await carol.call({ cmd: 'sync', server: g.server }, 'ok');
      await carol.until(() => (seen.size === n && gapIds.size > 0 && gapsOpen.size === 0 ? true : undefined), limitMs, () => `carol: all ${n} repaired (${seen.size} so far, ${gapsOpen.size} gaps open, ${asks.length} asks to bob, repairStats ${JSON.stringify(carol.engine.repairStats)})`);
      t1 = performance.now();
    } finally {
      offCarol();
    }
    const cpu = process.cpuUsage(cpu0);
    const stats = carol.engine.repairStats!;
    const meterBob = carol.engine.meter.get('contact', ob!);
    const meterIn = carol.engine.meter.get('contact', INBOUND_KEY);
    const bobStats = bob.engine.repairStats!;

    // Her history: everything once, in chain order.
    const h = await carol.call({ cmd: 'history', conversation: g.groupId, limit: n + 10 }, 'history');
    const hIds = h.messages.map((m) => m.messageId);
    const inHistory = hIds.filter((id) => wanted.has(id));
    const histDupes = hIds.length - new Set(hIds).size;
    const inOrder = inHistory.length === n && inHistory.every((id, i) => id === sigs[i]);
    const eventDupes = [...seen.values()].filter((c) => c > 1).length;

    const seconds = (t1 - t0) / 1000;
    const repaired = n - 1; // the last came from the server
    const rxBob = meterBob.received - meterBob0.received;
    const txBob = meterBob.sent - meterBob0.sent;
    const rxIn = meterIn.received - meterIn0.received;
    const txIn = meterIn.sent - meterIn0.sent;
    const rx = rxBob + rxIn;
    const tx = txBob + txIn;
    const asked = stats.asked - stats0.asked;
    const rejected = stats.rejected - stats0.rejected;
    const gaps = asks.map((a, i) => (i === 0 ? a.at - firstGapAt : a.at - asks[i - 1]!.at));
    const maxGapMs = Math.max(0, ...gaps);
    // Each request's span: its ask → the next ask (or the end).
    const spans = asks.map((a, i) => (i + 1 < asks.length ? asks[i + 1]!.at : t1) - a.at).sort((x, y) => x - y);
    const throttled = maxGapMs > 30_000;
    const problems: string[] = [];
    if (rejected !== 0) problems.push(`${rejected} rejected`);
    if (eventDupes > 0) problems.push(`${eventDupes} messages shown more than once`);
    if (histDupes > 0) problems.push(`${histDupes} duplicate history rows`);
    if (!inOrder) problems.push(`history not in chain order (${inHistory.length} of ${n} present)`);
    if (stats.duplicates - stats0.duplicates > 0) problems.push(`${stats.duplicates - stats0.duplicates} repaired entries were duplicates`);
    if (closedOther > 0 || repairsFromOther > 0) problems.push(`${closedOther} gaps closed other than by bob, ${repairsFromOther} asks of someone else`);
    if (errors > 0) problems.push(`${errors} engine errors (last: ${lastError})`);
    if (throttled) problems.push(`THROTTLED: a ${(maxGapMs / 1000).toFixed(1)} s wait between asks (REPAIR_ASKS_PER_PEER_PER_MINUTE = ${REPAIR_ASKS_PER_PEER_PER_MINUTE})`);
    const verdict = problems.length === 0 ? 'no duplicates, history in chain order, nothing rejected' : problems.join('; ');

    out.push({
      name: `group repair: ${repaired} messages from a peer, sync → all repaired`,
      value: seconds,
      unit: 's',
      note: `3 engines + server in process, local network; ${n} posted, server kept only the last; first gap ${(firstGapAt - t0).toFixed(0)} ms after sync, last message ${(lastSeenAt - t0).toFixed(0)} ms; ${gapIds.size} gap ids, ${closedByPeer} closed by bob; longest wait between asks ${maxGapMs.toFixed(0)} ms; ${verdict}`,
    });
    out.push({ name: 'group repair: messages repaired per second', value: repaired / seconds, unit: 'msg/s', note: `process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s over the repair (${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)} cores)` });
    out.push({
      name: 'group repair: bytes received from the peer per repaired message',
      value: rx / repaired,
      unit: 'B/msg',
      note: `carol's byte meter, contact scope: ${(rx / 1024).toFixed(0)} KiB in all (key bob's onion ${rxBob}, key '${INBOUND_KEY}' ${rxIn})`,
    });
    out.push({ name: 'group repair: bytes sent to the peer per repaired message', value: tx / repaired, unit: 'B/msg', note: `${(tx / 1024).toFixed(1)} KiB in all (key bob's onion ${txBob}, key '${INBOUND_KEY}' ${txIn})` });
    out.push({
      name: 'group repair: repair requests sent',
      value: asked,
      unit: 'count',
      note: `ideal ${Math.ceil(repaired / 100)} (100 per request); per request ${spans.length > 0 ? `median ${percentile(spans, 50).toFixed(0)} ms, max ${spans.at(-1)!.toFixed(0)} ms` : 'none'}; first ask ${(gaps[0] ?? NaN).toFixed(0)} ms after the gap; gave up ${giveUps}; ${gapEvents} gap events for ${gapIds.size} gap ids; received ${stats.received - stats0.received}, repaired ${stats.repaired - stats0.repaired}, duplicates ${stats.duplicates - stats0.duplicates}; bob answered ${bobStats.answered}, refused ${bobStats.refused}`,
    });
    out.push({ name: 'group repair: repair entries rejected', value: rejected, unit: 'count', note: rejected === 0 ? 'must be 0: is' : `MUST BE 0 — ${rejected} rejected` });
    out.push({ name: 'group repair: setup, alice posts N → acked and at bob', value: postSeconds, unit: 's', note: `${n} posts; not part of the repair time` });
  } finally {
    db?.close();
    for (const p of nodes) await p.close();
    if (server !== null) await server.close();
    if (serverAcn !== null) await serverAcn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
};

export default suite;
