// Every corpus input through its target on every `npm test`, plus a short campaign per target (the long ones are
// `npm run fuzz`). An input that shows a known, not-yet-fixed bug in someone's decoder is listed in KNOWN_BUGS and
// replayed with it.fails, so the test turns red (and the entry must go) once the decoder is fixed.

import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.js';
import { campaign, runOne } from './harness.js';
import { TARGETS } from './targets/index.js';

/** "<target>/<file>" → the bug it shows. Empty: no known failing input. */
const KNOWN_BUGS: Readonly<Record<string, string>> = {};

/** Fixed so CI is reproducible; FUZZ_SEED=<n> explores elsewhere. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 12);
const SHORT_RUNS = 2000;

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz target %s', (_name, t) => {
  const entries = loadCorpus(t);

  it('has a corpus', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  for (const e of entries) {
    const bug = KNOWN_BUGS[`${t.name}/${e.file}`];
    (bug === undefined ? it : it.fails)(`replays ${e.file}${bug === undefined ? '' : ` (known bug: ${bug})`}`, () => {
      expect(runOne(t, e.input)).toBeNull();
    });
  }

  it(`survives a short campaign (${SHORT_RUNS} inputs)`, () => {
    const stats = campaign(t, { runs: SHORT_RUNS, seed: SEED, extraSeeds: entries.map((e) => e.input) });
    expect(stats.inputs).toBe(SHORT_RUNS);
    expect(stats.failures.map((f) => f.error)).toEqual([]);
  });
});
