// Parsing time grows linearly with input size: each decoder gets adversarial shapes (deep nesting, many
// separators, long escape runs, one-byte chunks…) at sizes 8× apart, and the ratio of median times must stay
// under 32 (8 for linear, ~9 for n log n, 64 for quadratic; V8's own JSON.parse alone measures up to ~15 here). A complexity check, not a timing assertion: no
// absolute time is compared, and small inputs are repeated until a sample is long enough to measure.

import { describe, expect, it } from 'vitest';
import type { LinearCase } from './harness.js';
import { TARGETS } from './targets/index.js';

const MAX_RATIO = 32;
const SAMPLES = 5;
/** Each timed sample runs the decoder enough times to last about this long (timer resolution and noise). */
const SAMPLE_MS = 4;
/** Below this the larger input is too quick for a ratio to mean anything (early exits, timer noise); not a DoS either. */
const FLOOR_MS = 1;

/** "<target>/<shape>" → the bug: these run with it.fails until the decoder is fixed. */
// Decoders once found super-linear here, fixed since; an entry makes its case an it.fails until the fix lands.
const KNOWN_SUPERLINEAR: Readonly<Record<string, string>> = {};

/** Median time of one call, in ms. */
function timeOf(run: () => void): number {
  const t0 = performance.now();
  run();
  const once = Math.max(performance.now() - t0, 0.001);
  const reps = Math.max(1, Math.ceil(SAMPLE_MS / once));
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) run();
    samples.push((performance.now() - start) / reps);
  }
  // The fastest sample: GC pauses and the other core's load only ever add time.
  return Math.min(...samples);
}

function ratioOf(times: readonly number[], k: number): number {
  // A sub-millisecond baseline is mostly timer and GC noise (and V8's switch of huge objects to dictionary
  // mode, which is not ours): floor the denominator so noise cannot fake a super-linear ratio.
  return times[k]! / Math.max(times[k - 1]!, FLOOR_MS / 2);
}

function linearEnough(times: readonly number[], sizes: readonly number[]): boolean {
  for (let k = 1; k < times.length; k++) {
    if (times[k]! >= FLOOR_MS && ratioOf(times, k) >= (MAX_RATIO * (sizes[k]! / sizes[k - 1]!)) / 8) return false;
  }
  return true;
}

const cases = TARGETS.flatMap((t) => (t.linear ?? []).map((c) => [`${t.name}: ${c.shape}`, t, c as LinearCase<unknown>] as const));

describe('decoders run in linear time', () => {
  it.each(cases)('%s', (label, t, c) => {
    const bug = KNOWN_SUPERLINEAR[label.replace(': ', '/')];
    if (bug !== undefined) return; // covered by the it.fails below
    const run = c.run ?? (t.check as (i: unknown) => void);
    const inputs = c.sizes.map((n) => c.make(n));
    const guarded = (i: unknown): void => {
      try {
        run(i);
      } catch {
        // Totality is the fuzz test's job; here only time matters.
      }
    };
    for (let w = 0; w < 3; w++) guarded(inputs[0]); // warm up the JIT
    // A loaded 2-core machine can stall one measurement: a pair must look super-linear three times running.
    const measure = (): number[] => inputs.map((i) => timeOf(() => guarded(i)));
    let times = measure();
    for (let attempt = 0; attempt < 2 && !linearEnough(times, c.sizes); attempt++) times = measure();
    for (let k = 1; k < times.length; k++) {
      if (times[k]! < FLOOR_MS) continue;
      const ratio = ratioOf(times, k);
      const grow = c.sizes[k]! / c.sizes[k - 1]!;
      expect(ratio, `${label}: ${c.sizes[k - 1]} → ${c.sizes[k]} took ${times[k - 1]!.toFixed(3)} → ${times[k]!.toFixed(3)} ms`).toBeLessThan((MAX_RATIO * grow) / 8);
    }
  });

  for (const [key, bug] of Object.entries(KNOWN_SUPERLINEAR)) {
    const [name, shape] = key.split('/') as [string, string];
    const entry = cases.find(([label]) => label === `${name}: ${shape}`);
    if (entry === undefined) continue;
    const [, t, c] = entry;
    it.fails(`${key} (known bug: ${bug})`, () => {
      const run = c.run ?? (t.check as (i: unknown) => void);
      const [a, b] = [c.make(c.sizes[0]!), c.make(c.sizes[c.sizes.length - 1]!)];
      const ratio = timeOf(() => run(b)) / timeOf(() => run(a));
      const grow = c.sizes[c.sizes.length - 1]! / c.sizes[0]!;
      expect(ratio).toBeLessThan(grow * 3);
    });
  }
});
