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
const KNOWN_SUPERLINEAR: Readonly<Record<string, string>> = {
  // src/tor/control-reply.ts ReplyParser.feed copies the held partial line into a new buffer and rescans it for LF
  // on every chunk, so a line arriving one byte per chunk costs O(L²): ~80–170 ms for one 16 KiB line (the
  // TOR_CONTROL_MAX_LINE cap bounds it). Input: test/corpus/control-reply/slow-*.json.
  'control-reply/one line, one-byte chunks': 'quadratic in line length when fed one byte at a time',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

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
  return median(samples);
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
    const times = inputs.map((i) => timeOf(() => guarded(i)));
    for (let k = 1; k < times.length; k++) {
      if (times[k]! < FLOOR_MS) continue;
      const ratio = times[k]! / times[k - 1]!;
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
