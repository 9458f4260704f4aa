// The board's per-connection post rate (src/server/post-rate.ts PostRate): a sliding window, and once over it
// a refusal that holds for every post until a slot frees (at least the minimum pause), so posts pipelined behind
// the first refused one are refused too and come again in order.

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BOARD_RATE_LIMIT_MIN_PAUSE_MS } from '../../src/core/limits.js';
import { PostRate } from '../../src/server/post-rate.js';

describe('PostRate', () => {
  it('admits `limit` posts per window, then refuses every post until a slot frees (and at least the minimum pause)', () => {
    const r = new PostRate(3, 60_000);
    expect([r.admit(0), r.admit(10), r.admit(20)]).toEqual([0, 0, 0]);
    expect(r.admit(30)).toBe(60_000 - 30); // the first slot frees at 60 000
    expect(r.admit(59_999)).toBe(1);
    expect(r.admit(60_000)).toBe(0);
    // The window slides: 10 and 20 are still in it, so it is full again; 10 leaves at 60 010, but the refusal
    // holds for the minimum pause.
    expect(r.admit(60_001)).toBe(BOARD_RATE_LIMIT_MIN_PAUSE_MS);
  });

  it('holds the refusal for the minimum pause even when a slot frees sooner', () => {
    const r = new PostRate(1, 60_000);
    expect(r.admit(0)).toBe(0);
    expect(r.admit(59_990)).toBe(BOARD_RATE_LIMIT_MIN_PAUSE_MS);
    // A slot is free at 60 000, but the refusal holds until 59 990 + the pause.
    expect(r.admit(60_500)).toBe(59_990 + BOARD_RATE_LIMIT_MIN_PAUSE_MS - 60_500);
    expect(r.admit(59_990 + BOARD_RATE_LIMIT_MIN_PAUSE_MS)).toBe(0);
  });

  test.prop([fc.integer({ min: 1, max: 20 }), fc.integer({ min: 100, max: 120_000 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 300 })])(
    'never admits more than `limit` in any window; a refused post is told a wait that admits it',
    (limit, windowMs, gaps) => {
      const r = new PostRate(limit, windowMs);
      const admitted: number[] = [];
      let now = 0;
      for (const g of gaps) {
        now += g;
        const wait = r.admit(now);
        if (wait === 0) admitted.push(now);
        else expect(wait).toBeGreaterThan(0);
        expect(admitted.filter((t) => t > now - windowMs).length).toBeLessThanOrEqual(limit);
      }
      // After being told to wait, coming back then is admitted.
      const wait = r.admit(now);
      if (wait > 0) expect(r.admit(now + wait)).toBe(0);
    },
  );
});
