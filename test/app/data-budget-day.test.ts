// The day's count behind the data budget (src/app/engine/data-budget.ts): the local day rolls it over, a profile's
// record of the same day carries on (the larger of several, never their sum), and what a profile holds is read
// back without ever throwing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataBudget, decodeBudget, decodeDayRecord, encodeBudget, encodeDayRecord, localDay } from '../../src/app/engine/data-budget.js';
import { microtaskScheduler } from '../../src/app/platform/node-platform.js';
import type { Clock } from '../../src/core/ports.js';

function clockAt(ms: number): Clock & { ms: number } {
  const c = {
    ms,
    now: () => c.ms,
    defer: microtaskScheduler.defer,
    setTimeout: () => 0 as unknown as ReturnType<Clock['setTimeout']>,
    clearTimeout: () => undefined,
  };
  return c as unknown as Clock & { ms: number };
}

describe('DataBudget', () => {
  it('counts, compares with the budget, and starts again at local midnight', () => {
    const noon = new Date(2026, 11, 7, 12, 0, 0).getTime();
    const clock = clockAt(noon);
    const b = new DataBudget(clock);
    expect(b.wouldExceed(1e12)).toBe(false); // no budget: never
    b.budget = 10_000;
    b.add(6_000);
    expect(b.today).toBe(6_000);
    expect(b.wouldExceed(4_000)).toBe(false);
    expect(b.wouldExceed(4_001)).toBe(true);
    expect(b.reached).toBe(false);
    b.add(4_000);
    expect(b.reached).toBe(true);
    clock.ms = new Date(2026, 11, 8, 0, 0, 1).getTime();
    expect(b.today).toBe(0);
    expect(b.reached).toBe(false);
    expect(b.record()).toEqual({ day: '2026-12-08', bytes: 0 });
  });

  it('carries on a record of the same day (the larger), ignores another day\'s', () => {
    const clock = clockAt(new Date(2026, 11, 7, 9).getTime());
    const b = new DataBudget(clock);
    b.add(100);
    b.restore({ day: '2026-12-06', bytes: 9_999 });
    expect(b.today).toBe(100);
    b.restore({ day: localDay(clock.ms), bytes: 5_000 });
    b.restore({ day: localDay(clock.ms), bytes: 4_000 });
    expect(b.today).toBe(5_000);
    b.add(1);
    expect(b.record()).toEqual({ day: '2026-12-07', bytes: 5_001 });
  });

  it('round-trips its settings, and reads anything else as absent', () => {
    fc.assert(
      fc.property(fc.nat(), fc.date({ min: new Date(2000, 0, 1), max: new Date(2099, 0, 1), noInvalidDate: true }), (n, d) => {
        expect(decodeBudget(encodeBudget(n))).toBe(n);
        const r = { day: localDay(d.getTime()), bytes: n };
        expect(decodeDayRecord(encodeDayRecord(r))).toEqual(r);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeDayRecord(bytes);
        expect(r === null || (Number.isSafeInteger(r.bytes) && r.bytes >= 0)).toBe(true);
        const n = decodeBudget(bytes);
        expect(n === null || (Number.isSafeInteger(n) && n >= 0)).toBe(true);
      }),
    );
    for (const bad of ['{"day":"2026-12-07","bytes":-1}', '{"day":"today","bytes":1}', '{"day":"2026-12-07","bytes":1.5}', 'null', '[]', '{']) {
      expect(decodeDayRecord(new TextEncoder().encode(bad))).toBeNull();
    }
    expect(decodeDayRecord(null)).toBeNull();
    expect(decodeBudget(new TextEncoder().encode('-3'))).toBeNull();
    expect(decodeBudget(new TextEncoder().encode('99999999999999999'))).toBeNull();
  });
});
