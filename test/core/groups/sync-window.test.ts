// Time windows (docs/sync-extension.md §10): the wire members, and the property that a member asking from
// syncSince never misses a message of its group, for any window width and any clock skew within the limits —
// checked against the real message store's replay plan.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { decodeBoardMessage, encodeBoardMessage } from '../../../src/core/groups/board-messages.js';
import { syncSince, windowEndOf, windowStartOf } from '../../../src/core/groups/sync-window.js';
import { BOARD_WINDOW_MAX_S, BOARD_WINDOW_MIN_S, GROUP_SYNC_SKEW_MS } from '../../../src/core/limits.js';
import { MessageStore } from '../../../src/server/message-store.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('Since, Window, Estimate and Packets on the wire', () => {
  it('encode after the members Go knows, and only when set: a plain request or result stays byte-identical to Go', () => {
    expect(text(encodeBoardMessage({ type: 'replay-request', lastCommit: null }))).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null}}');
    expect(text(encodeBoardMessage({ type: 'replay-request', lastCommit: null, packing: 1, since: 1764979200, estimate: true }))).toBe(
      '{"MessageType":0,"ReplayRequest":{"LastCommit":null,"Packing":1,"Since":1764979200,"Estimate":true}}',
    );
    expect(text(encodeBoardMessage({ type: 'replay-result', numMessages: 7, fullResync: false, packing: 1, since: 1764975600, window: 3600, estimate: true, packets: 3 }))).toBe(
      '{"MessageType":1,"ReplayResult":{"NumMessages":7,"Packing":1,"Since":1764975600,"Window":3600,"Estimate":true,"Packets":3}}',
    );
    expect(text(encodeBoardMessage({ type: 'replay-result', numMessages: 7, fullResync: true, since: 0, window: 60 }))).toBe(
      '{"MessageType":1,"ReplayResult":{"NumMessages":7,"FullResync":true,"Since":0,"Window":60}}',
    );
  });

  test.prop([fc.record({ since: fc.option(fc.nat(), { nil: undefined }), estimate: fc.boolean(), packing: fc.option(fc.constant(1), { nil: undefined }) })])('a request round-trips', (r) => {
    const m = { type: 'replay-request' as const, lastCommit: null, ...(r.packing !== undefined ? { packing: r.packing } : {}), ...(r.since !== undefined ? { since: r.since } : {}), ...(r.estimate ? { estimate: true } : {}) };
    expect(decodeBoardMessage(encodeBoardMessage(m))).toEqual({ ok: true, value: m });
  });

  it('hostile values read as absent (as Go would skip them), never throw', () => {
    for (const v of ['-1', '1.5', '"5"', 'null', '1e400', '9007199254740993', '{}', '[]']) {
      const req = decodeBoardMessage(utf8(`{"MessageType":0,"ReplayRequest":{"LastCommit":null,"Since":${v},"Estimate":${v}}}`));
      expect(req).toEqual({ ok: true, value: { type: 'replay-request', lastCommit: null } });
      const res = decodeBoardMessage(utf8(`{"MessageType":1,"ReplayResult":{"NumMessages":2,"Since":${v},"Window":${v},"Packets":${v}}}`));
      expect(res).toEqual({ ok: true, value: { type: 'replay-result', numMessages: 2, fullResync: false } });
    }
    // A zero-width window is no window.
    expect(decodeBoardMessage(utf8('{"MessageType":1,"ReplayResult":{"NumMessages":2,"Since":5,"Window":0}}'))).toEqual({
      ok: true,
      value: { type: 'replay-result', numMessages: 2, fullResync: false, since: 5 },
    });
  });
});

describe('syncSince', () => {
  it('the later bound per group, the earliest over groups, less the skew, in whole days; unknown for a group with neither', () => {
    const h = 3600_000;
    const day = (ms: number) => Math.floor(ms / 1000 / 86_400) * 86_400;
    expect(syncSince([])).toBeNull();
    expect(syncSince([{ createdAt: null, syncedAt: null }])).toBeNull();
    expect(syncSince([{ createdAt: 100 * h, syncedAt: null }])).toBe(day(100 * h - GROUP_SYNC_SKEW_MS));
    expect(syncSince([{ createdAt: 100 * h, syncedAt: 200 * h }])).toBe(day(200 * h - GROUP_SYNC_SKEW_MS));
    expect(syncSince([{ createdAt: 100 * h, syncedAt: 200 * h }, { createdAt: 150 * h, syncedAt: null }])).toBe(day(150 * h - GROUP_SYNC_SKEW_MS));
    // Every member asking from the same day asks the same value.
    expect(syncSince([{ createdAt: 150 * h + 5, syncedAt: null }])).toBe(syncSince([{ createdAt: 146 * h, syncedAt: null }]));
    expect(syncSince([{ createdAt: 100 * h, syncedAt: null }], GROUP_SYNC_SKEW_MS, 1)).toBe((100 * h - GROUP_SYNC_SKEW_MS) / 1000);
    expect(syncSince([{ createdAt: 100 * h, syncedAt: null }, { createdAt: null, syncedAt: null }])).toBeNull();
    // Never before the epoch.
    expect(syncSince([{ createdAt: 1000, syncedAt: null }])).toBe(0);
  });

  it('windows: a row keeps the end of its window; a Since is padded down to a window start', () => {
    expect(windowEndOf(3_599_999, 3600)).toBe(3600);
    expect(windowEndOf(3_600_000, 3600)).toBe(7200);
    expect(windowStartOf(7199, 3600)).toBe(3600);
    expect(windowStartOf(7200, 3600)).toBe(7200);
  });
});

const H = 3600_000;
const halfSkew = GROUP_SYNC_SKEW_MS / 2;

/**
 * One history on a real store: other groups' traffic before the group exists, the group created (creator's clock),
 * some of its posts, perhaps a sync by the member (member's clock) with later posts after it, then the member's next
 * replay from syncSince. Each post is filed by the server's clock; every clock is within half the skew margin of
 * true time, so any two are within the margin.
 */
const history = fc.record({
  windowS: fc.integer({ min: BOARD_WINDOW_MIN_S, max: BOARD_WINDOW_MAX_S }),
  serverSkew: fc.integer({ min: -halfSkew, max: halfSkew }),
  creatorSkew: fc.integer({ min: -halfSkew, max: halfSkew }),
  memberSkew: fc.integer({ min: -halfSkew, max: halfSkew }),
  start: fc.integer({ min: 0, max: 20_000 * H }),
  // Gaps between consecutive events, true time (ms): up to two weeks.
  before: fc.array(fc.integer({ min: 0, max: 14 * 24 * H }), { maxLength: 20 }),
  created: fc.integer({ min: 0, max: 14 * 24 * H }),
  posts: fc.array(fc.record({ after: fc.integer({ min: 0, max: 14 * 24 * H }), mine: fc.boolean() }), { minLength: 1, maxLength: 30 }),
  syncAfter: fc.option(fc.nat(), { nil: undefined }),
  pad: fc.constantFrom(1, 3600, 86_400),
});

describe('no message of the group is ever skipped', () => {
  test.prop([history], { numRuns: 300 })('any window width, any clock skew within the limits, new or returning member', (h) => {
    const store = new MessageStore(':memory:', 0, 0);
    try {
      let t = h.start;
      let n = 0;
      const post = (): number => {
        n++;
        store.commitPosts([{ tokenT: utf8(`t${n}`), signature: utf8(`s${n}`.padEnd(64, '.')), ciphertext: utf8('c'), windowEnd: windowEndOf(t + h.serverSkew, h.windowS) }]);
        return n;
      };
      for (const gap of h.before) {
        t += gap;
        post();
      }
      t += h.created;
      const createdAt = t + h.creatorSkew;
      const syncAt = h.syncAfter === undefined ? undefined : h.syncAfter % (h.posts.length + 1);
      let syncedAt: number | null = null;
      let held = 0;
      const group: number[] = [];
      h.posts.forEach((p, i) => {
        if (i === syncAt) {
          syncedAt = t + h.memberSkew;
          held = n;
        }
        t += p.after;
        const id = post();
        if (p.mine) group.push(id);
      });
      const since = syncSince([{ createdAt, syncedAt }], GROUP_SYNC_SKEW_MS, h.pad);
      expect(since).not.toBeNull();
      const plan = store.planReplay(null, windowStartOf(since!, h.windowS));
      const missing = group.filter((id) => id > held && id < plan.fromId);
      expect(missing).toEqual([]);
      expect(plan.toId).toBe(n);
    } finally {
      store.close();
    }
  });
});
