import { fc, test as fcTest } from '@fast-check/vitest';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { firstMessagePreviousSig } from '../../../src/core/groups/group-message.js';
import type { GroupId } from '../../../src/core/groups/invite.js';
import { GroupTimeline, messageId, type TimelineMessage } from '../../../src/core/groups/timeline.js';
import { gapEngineEvent, type TimelineEvent } from '../../../src/core/groups/timeline-gaps.js';

const G = '19b570c8b8300146e0e2104e6bb2ed39' as GroupId;
const sig = (label: string): Uint8Array => sha512(utf8(label));
const id = (label: string): string => messageId(sig(label));

/** A message `label` naming `prev` (a label, null for the group's first message), claimed at `ts` seconds. */
function msg(label: string, prev: string | null, ts: number, sender = 'alice'): TimelineMessage {
  return { signature: sig(label), previousSig: prev === null ? firstMessagePreviousSig(G) : sig(prev), sender, timestamp: ts, receivedAt: ts * 1000 + 5 };
}

const labels = (t: GroupTimeline): string[] => t.entries().map((e) => e.message.sender + ':' + e.id.slice(0, 6));
const order = (t: GroupTimeline): string[] => t.entries().map((e) => e.id);

describe('GroupTimeline: causal order', () => {
  it("a first message's PreviousMessageSig, whatever sentinel its client used, names no predecessor; only 64 bytes can", () => {
    const t = new GroupTimeline(G);
    const first = (label: string, previousSig: Uint8Array | null): TimelineMessage => ({ signature: sig(label), previousSig, sender: 'bob', timestamp: 1, receivedAt: 5 });
    const evs = [
      first('raw-id', Uint8Array.from(Buffer.from(G, 'hex'))),
      first('hex-id', utf8(G)),
      first('empty', new Uint8Array(0)),
      first('null', null),
      first('odd', new Uint8Array(63).fill(7)),
    ].flatMap((m) => t.add(m).events);
    expect(evs).toEqual([]);
    expect(t.openGaps()).toEqual([]);
    expect(t.add(first('names-one', new Uint8Array(64).fill(7))).events.map((e) => e.type)).toEqual(['gap']);
  });

  it('a chain delivered in order: that order, no gaps', () => {
    const t = new GroupTimeline(G);
    const evs = [msg('a', null, 10), msg('b', 'a', 11), msg('c', 'b', 12)].flatMap((m) => t.add(m).events);
    expect(evs).toEqual([]);
    expect(order(t)).toEqual([id('a'), id('b'), id('c')]);
    expect(t.latest()?.signature).toEqual(sig('c'));
  });

  it('a reply sorts after the message it names even when its clock is behind', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 100));
    t.add(msg('b', 'a', 50)); // sender clock 50 s behind
    t.add(msg('x', null, 60)); // unrelated root
    expect(order(t)).toEqual([id('x'), id('a'), id('b')]);
  });

  it('concurrent replies to one message: by timestamp, then signature', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('late', 'a', 30));
    t.add(msg('early', 'a', 20));
    t.add(msg('tie1', 'a', 25));
    t.add(msg('tie2', 'a', 25));
    const ties = [id('tie1'), id('tie2')].sort();
    expect(order(t)).toEqual([id('a'), id('early'), ...ties, id('late')]);
  });

  it('a signature seen twice (replay overlap, re-broadcast) is stored once', () => {
    const t = new GroupTimeline(G);
    expect(t.add(msg('a', null, 1)).added).toBe(true);
    expect(t.add(msg('a', null, 1))).toEqual({ added: false, events: [] });
    expect(t.size).toBe(1);
  });

  it('null, empty and the first-message sentinel all mean "no predecessor": no gap', () => {
    const t = new GroupTimeline(G);
    const evs = [
      { ...msg('a', null, 1), previousSig: null },
      { ...msg('b', null, 2), previousSig: new Uint8Array(0) },
      msg('c', null, 3),
    ].flatMap((m) => t.add(m).events);
    expect(evs).toEqual([]);
    expect(t.openGaps()).toEqual([]);
  });
});

describe('GroupTimeline: gaps', () => {
  it('a withheld message opens a gap between its neighbours; its arrival closes it', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('b', 'a', 11));
    const opened = t.add(msg('d', 'c', 13)).events;
    expect(opened).toEqual([
      { type: 'gap', gap: { id: `gap:${id('c')}`, group: G, cause: 'withheld', missingSig: id('c'), after: id('d'), before: id('b'), firstSeen: 13_005 } },
    ]);
    expect(t.openGaps()).toHaveLength(1);
    expect(t.messageById(t.openGaps()[0]!.before!)?.timestamp).toBe(11);
    expect(gapEngineEvent(t, t.openGaps()[0]!)).toEqual({
      event: 'gap', group: G, gapId: `gap:${id('c')}`, cause: 'withheld', before: id('b'), beforeTime: 11_000, after: id('d'), afterTime: 13_000,
    });
    const closed = t.add(msg('c', 'b', 12)).events;
    expect(closed).toEqual([{ type: 'gap-closed', gapId: `gap:${id('c')}` }]);
    expect(order(t)).toEqual([id('a'), id('b'), id('c'), id('d')]);
    expect(t.openGaps()).toEqual([]);
  });

  it('a late arrival that names another unknown message moves the gap further back', () => {
    const t = new GroupTimeline(G);
    t.add(msg('d', 'c', 13));
    const e1 = t.add(msg('c', 'b', 12)).events;
    expect(e1.map((e) => e.type)).toEqual(['gap-closed', 'gap']);
    expect(e1[1]).toMatchObject({ gap: { missingSig: id('b'), after: id('c'), before: null } });
    const e2 = t.add(msg('b', 'a', 11)).events;
    expect(e2).toContainEqual({ type: 'gap-closed', gapId: `gap:${id('b')}` });
    expect(t.openGaps().map((g) => g.missingSig)).toEqual([id('a')]);
    expect(t.add(msg('a', null, 10)).events).toEqual([{ type: 'gap-closed', gapId: `gap:${id('a')}` }]);
    expect(order(t)).toEqual([id('a'), id('b'), id('c'), id('d')]);
  });

  it('two messages naming the same missing one: one gap, placed above the earlier of them', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('r2', 'm', 30, 'bob'));
    const e = t.add(msg('r1', 'm', 20, 'carol')).events;
    expect(e).toEqual([{ type: 'gap', gap: expect.objectContaining({ id: `gap:${id('m')}`, after: id('r1'), before: id('a'), firstSeen: 20_005 }) }]);
    expect(t.openGaps()).toHaveLength(1);
  });

  it('a message landing just before a gap updates the gap neighbours (same id)', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('d', 'c', 40));
    const e = t.add(msg('x', null, 30)).events;
    expect(e).toEqual([{ type: 'gap', gap: expect.objectContaining({ id: `gap:${id('c')}`, before: id('x'), after: id('d') }) }]);
  });

  it("a full resync whose first message does not link up marks that gap 'pruned' between our last and the first replayed", () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('b', 'a', 11)); // our last commit, pruned on the server
    // Server lost c, d; it replays from e.
    t.add(msg('e', 'd', 14));
    t.add(msg('f', 'e', 15));
    t.add(msg('z', null, 14.5)); // an unrelated message sorting between: `before` stays our last known
    const ev = t.markPrunedResync({ lastKnown: sig('b'), firstReplayed: sig('e') });
    expect(ev).toEqual([{ type: 'gap', gap: expect.objectContaining({ id: `gap:${id('d')}`, cause: 'pruned', before: id('b'), after: id('e') }) }]);
    expect(t.openGaps()).toEqual([expect.objectContaining({ cause: 'pruned' })]);
    // Applying it again changes nothing.
    expect(t.markPrunedResync({ lastKnown: sig('b'), firstReplayed: sig('e') })).toEqual([]);
  });

  it('a full resync that links up with what we hold marks nothing', () => {
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 10));
    t.add(msg('b', 'a', 11));
    t.add(msg('c', 'b', 12));
    expect(t.markPrunedResync({ lastKnown: sig('b'), firstReplayed: sig('c') })).toEqual([]);
    expect(t.markPrunedResync({ lastKnown: sig('b'), firstReplayed: sig('a') })).toEqual([]);
    expect(t.markPrunedResync({ lastKnown: sig('b'), firstReplayed: null })).toEqual([]);
    expect(t.openGaps()).toEqual([]);
  });
});

describe('GroupTimeline: bounded against a hostile sender', () => {
  it('endless made-up predecessors: open gaps stop at the cap, the rest are counted, messages still shown', () => {
    const t = new GroupTimeline(G, { maxOpenGaps: 3 });
    const events: TimelineEvent[] = [];
    for (let i = 0; i < 50; i++) events.push(...t.add(msg(`spam${i}`, `fake${i}`, i)).events);
    expect(t.openGaps()).toHaveLength(3);
    expect(t.untrackedGaps).toBe(47);
    expect(t.size).toBe(50);
    expect(new Set(events.filter((e) => e.type === 'gap').map((e) => (e.type === 'gap' ? e.gap.id : ''))).size).toBe(3);
    // A tracked one arrives: its gap closes and an untracked one takes the slot.
    const e = t.add(msg('fake0', null, 0)).events;
    expect(e[0]).toEqual({ type: 'gap-closed', gapId: `gap:${id('fake0')}` });
    expect(e.filter((x) => x.type === 'gap').length).toBeGreaterThanOrEqual(1);
    expect(t.openGaps()).toHaveLength(3);
    expect(t.untrackedGaps).toBe(46);
    // An untracked one arrives: it links (order) without an event.
    const u = t.add(msg('fake49', null, 49)).events;
    expect(u.filter((x) => x.type === 'gap-closed')).toEqual([]);
    expect(t.untrackedGaps).toBe(45);
    expect(t.indexOf(id('fake49'))).toBeLessThan(t.indexOf(id('spam49')));
  });

  it('the default cap is the limits.ts constant', async () => {
    const { GROUP_MAX_OPEN_GAPS } = await import('../../../src/core/limits.js');
    const t = new GroupTimeline(G);
    for (let i = 0; i < GROUP_MAX_OPEN_GAPS + 10; i++) t.add(msg(`s${i}`, `f${i}`, i));
    expect(t.openGaps()).toHaveLength(GROUP_MAX_OPEN_GAPS);
    expect(t.untrackedGaps).toBe(10);
  });

  it('stored rows naming each other in a cycle (impossible to sign, possible in a corrupt store) do not hang', () => {
    const t = GroupTimeline.rebuild(G, [msg('a', 'b', 1), msg('b', 'a', 2), msg('s', 's', 3)]);
    expect(t.size).toBe(3);
    expect(new Set(order(t))).toEqual(new Set([id('a'), id('b'), id('s')]));
  });
});

describe('GroupTimeline: rebuild from stored rows', () => {
  it('rows in arrival order (plus duplicates) and stored pruned marks give the same order and open gaps as the live timeline', () => {
    const rows = [msg('a', null, 10), msg('b', 'a', 11), msg('e', 'd', 14), msg('f', 'e', 15), msg('g', 'x', 16, 'bob'), msg('h', 'f', 17)];
    const mark = { lastKnown: sig('b'), firstReplayed: sig('e') };
    const live = new GroupTimeline(G);
    for (const r of rows) live.add(r);
    live.markPrunedResync(mark);
    const rebuilt = GroupTimeline.rebuild(G, [...rows, ...[...rows].reverse()], [mark]);
    expect(order(rebuilt)).toEqual(order(live));
    const strip = (t: GroupTimeline): unknown => t.openGaps().sort((p, q) => (p.id < q.id ? -1 : 1));
    expect(strip(rebuilt)).toEqual(strip(live));
    expect(labels(rebuilt)).toHaveLength(6);
  });
});

describe('GroupTimeline: properties', () => {
  /** A random valid history: each message names an earlier one (or nothing), with arbitrary claimed clocks. */
  const history = fc
    .array(fc.record({ parent: fc.nat(), root: fc.boolean(), ts: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 40 })
    .map((spec) => spec.map((s, i) => msg(`m${i}`, i === 0 || s.root ? null : `m${s.parent % i}`, s.ts, `u${i % 3}`)));

  const delivery = history.chain((h) =>
    fc.tuple(
      fc.constant(h),
      fc.shuffledSubarray([...h.keys(), ...h.keys()], { minLength: 2 * h.length }), // every message twice, any order
    ),
  );

  fcTest.prop([delivery])('any permutation and duplication of delivery: same final order, no open gaps, every gap opened is closed', ([h, perm]) => {
    const reference = new GroupTimeline(G);
    for (const m of h) reference.add(m);
    const t = new GroupTimeline(G);
    const opened = new Set<string>();
    const closed = new Set<string>();
    for (const i of perm) {
      for (const e of t.add(h[i]!).events) {
        if (e.type === 'gap') opened.add(e.gap.id);
        else closed.add(e.gapId);
      }
    }
    expect(order(t)).toEqual(order(reference));
    expect(t.openGaps()).toEqual([]);
    expect(t.untrackedGaps).toBe(0);
    expect(closed).toEqual(opened);
    // Causality: every message sorts after the one it names.
    for (const m of h) {
      const p = m.previousSig === null ? -1 : t.indexOf(messageId(m.previousSig));
      if (p >= 0) expect(t.indexOf(messageId(m.signature))).toBeGreaterThan(p);
    }
  });

  const storedRows = history
    .chain((h) => fc.shuffledSubarray(h, { minLength: 0 }))
    .chain((kept) => fc.tuple(fc.constant(kept), fc.shuffledSubarray(kept, { minLength: 0 })));
  fcTest.prop([storedRows])(
    'rebuild from stored rows (any subset in its arrival order, some again later) equals adding them one by one',
    ([kept, extra]) => {
      const rows = [...kept, ...extra];
      const live = new GroupTimeline(G);
      for (const m of kept) live.add(m);
      const rebuilt = GroupTimeline.rebuild(G, rows);
      expect(order(rebuilt)).toEqual(order(live));
      const byId = (t: GroupTimeline): unknown => t.openGaps().sort((p, q) => (p.id < q.id ? -1 : 1));
      expect(byId(rebuilt)).toEqual(byId(live));
      // A later arrival behaves the same on both.
      const next = msg('late', kept[0] === undefined ? null : 'm0', 99);
      expect(rebuilt.add(next).events.map((e) => e.type)).toEqual(live.add(next).events.map((e) => e.type));
    },
  );

  fcTest.prop([history, fc.nat()])('withholding one message leaves exactly one open gap per message that named it, until it arrives', (h, k) => {
    const drop = h[k % h.length]!;
    const t = new GroupTimeline(G);
    for (const m of h) if (m !== drop) t.add(m);
    const namers = h.filter((m) => m.previousSig !== null && messageId(m.previousSig) === messageId(drop.signature));
    expect(t.openGaps().length).toBe(namers.length > 0 ? 1 : 0);
    if (namers.length > 0) expect(t.openGaps()[0]!.missingSig).toBe(messageId(drop.signature));
    const e = t.add(drop).events;
    expect(t.openGaps()).toEqual([]);
    expect(e.filter((x) => x.type === 'gap-closed').length).toBe(namers.length > 0 ? 1 : 0);
  });
});
