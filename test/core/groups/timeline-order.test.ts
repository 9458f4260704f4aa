// Issue 8 defects in the group timeline: (1) whole-second timestamps let a message that arrives after a withheld
// one sort before its same-second neighbours; (2) a `gap` event without `beforeTime` — the same tie: the orphan
// sorted first, so its gap had no `before`. The order follows the hash chain and arrival; the clock only decides
// between messages causality says nothing about.

import { fc, test as fcTest } from '@fast-check/vitest';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { firstMessagePreviousSig } from '../../../src/core/groups/group-message.js';
import type { GroupId } from '../../../src/core/groups/invite.js';
import { GroupTimeline, messageId, type TimelineMessage } from '../../../src/core/groups/timeline.js';
import { gapEngineEvent } from '../../../src/core/groups/timeline-gaps.js';

const G = '19b570c8b8300146e0e2104e6bb2ed39' as GroupId;
const sig = (label: string): Uint8Array => sha512(utf8(label));
const id = (label: string): string => messageId(sig(label));

function msg(label: string, prev: string | null, ts: number): TimelineMessage {
  return { signature: sig(label), previousSig: prev === null ? firstMessagePreviousSig(G) : sig(prev), sender: 'alice', timestamp: ts, receivedAt: ts * 1000 + 5 };
}

const order = (t: GroupTimeline): string[] => t.entries().map((e) => e.id);

/** A label for the message after the gap whose signature sorts before `than`'s: the tie the old key lost. */
function labelSortingBefore(than: string): string {
  for (let i = 0; ; i++) if (id(`d${i}`) < id(than)) return `d${i}`;
}

/** A chain m0 ← m1 ← … with claimed whole-second clocks (ties on purpose, skew allowed). */
const chain = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 30 })
  .map((ts) => ts.map((t, i) => msg(`c${i}`, i === 0 ? null : `c${i - 1}`, t)));

describe('GroupTimeline order: a withheld message arriving late, same-second timestamps', () => {
  it('the message after the gap sorts after its same-second predecessors, the gap has both neighbours and times, the late one slots in', () => {
    const d = labelSortingBefore('a');
    const t = new GroupTimeline(G);
    t.add(msg('a', null, 100));
    t.add(msg('b', 'a', 100));
    const opened = t.add(msg(d, 'c', 100)).events;
    expect(order(t)).toEqual([id('a'), id('b'), id(d)]);
    expect(opened).toEqual([{ type: 'gap', gap: expect.objectContaining({ missingSig: id('c'), before: id('b'), after: id(d) }) }]);
    expect(gapEngineEvent(t, t.openGaps()[0]!)).toMatchObject({ before: id('b'), beforeTime: 100_000, after: id(d), afterTime: 100_000 });
    expect(t.latest()?.signature).toEqual(sig(d)); // our next post names the newest message we saw
    // Restarted with the gap still open: the same.
    const rebuilt = GroupTimeline.rebuild(G, t.entries().map((e) => e.message));
    expect(order(rebuilt)).toEqual(order(t));
    expect(rebuilt.openGaps()).toEqual(t.openGaps());
    // The withheld one arrives: the chain, in full.
    expect(t.add(msg('c', 'b', 100)).events).toEqual([{ type: 'gap-closed', gapId: `gap:${id('c')}` }]);
    expect(order(t)).toEqual([id('a'), id('b'), id('c'), id(d)]);
  });

  it('two withheld in a row, the later one arriving first: it takes the hole’s place, not a new one at the end', () => {
    const t = new GroupTimeline(G);
    for (const m of [msg('a', null, 5), msg('b', 'a', 5), msg('e', 'd', 5), msg('x', null, 6), msg('f', 'e', 7)]) t.add(m);
    expect(order(t)).toEqual([id('a'), id('b'), id('e'), id('x'), id('f')]);
    const ev = t.add(msg('d', 'c', 5)).events;
    expect(ev).toEqual([{ type: 'gap-closed', gapId: `gap:${id('d')}` }, { type: 'gap', gap: expect.objectContaining({ missingSig: id('c'), before: id('b'), after: id('d') }) }]);
    expect(order(t)).toEqual([id('a'), id('b'), id('d'), id('e'), id('x'), id('f')]);
    t.add(msg('c', 'b', 5));
    expect(order(t)).toEqual([id('a'), id('b'), id('c'), id('d'), id('e'), id('x'), id('f')]);
    expect(t.openGaps()).toEqual([]);
  });

  fcTest.prop([chain.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray([...c.keys()], { minLength: c.length, maxLength: c.length })))])(
    'any arrival order of a causally chained set gives the chain order',
    ([c, perm]) => {
      const t = new GroupTimeline(G);
      for (const i of perm) t.add(c[i]!);
      expect(order(t)).toEqual(c.map((m) => messageId(m.signature)));
      expect(t.openGaps()).toEqual([]);
    },
  );

  fcTest.prop([
    chain.chain((c) =>
      fc.tuple(
        fc.constant(c),
        fc.subarray([...c.keys()].slice(1)), // withheld (never the first)
        fc.nat(),
      ),
    ),
  ])('in-order delivery with withheld messages: chain order at every step, every gap has a before and a beforeTime; late ones, in any order, restore the chain', ([c, withheld, seed]) => {
    const ids = c.map((m) => messageId(m.signature));
    const held = new Set(withheld);
    const t = new GroupTimeline(G);
    const delivered = new Set<number>();
    const check = (inOrder: boolean): void => {
      if (inOrder) expect(order(t)).toEqual(ids.filter((_, i) => delivered.has(i)));
      // Whatever the order of late arrivals: a message we hold the predecessor of sorts after it.
      for (let i = 1; i < c.length; i++) if (delivered.has(i) && delivered.has(i - 1)) expect(t.indexOf(ids[i]!)).toBeGreaterThan(t.indexOf(ids[i - 1]!));
      for (const g of t.openGaps()) {
        expect(g.before).not.toBeNull();
        expect(gapEngineEvent(t, g).beforeTime).toBeTypeOf('number');
      }
    };
    for (const [i, m] of c.entries()) {
      if (held.has(i)) continue;
      for (const e of t.add(m).events) if (e.type === 'gap') expect(gapEngineEvent(t, e.gap).beforeTime).toBeTypeOf('number');
      delivered.add(i);
      check(true);
    }
    // The withheld ones turn up late, in a shuffled order. One whose neighbours are both still missing is linked to
    // nothing we hold, so it sorts by arrival (last) until a neighbour turns up; the gaps keep their `before`
    // because the first message always sorts first.
    const late = [...withheld].sort((p, q) => ((p * 7919 + seed) % 97) - ((q * 7919 + seed) % 97) || p - q);
    for (const i of late) {
      t.add(c[i]!);
      delivered.add(i);
      check(false);
    }
    expect(order(t)).toEqual(ids);
    expect(t.openGaps()).toEqual([]);
  });
});
