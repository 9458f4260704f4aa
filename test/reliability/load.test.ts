// CI-sized load campaign: 20 clients for 5 s against a cwtch-server child process, 50 half-open connections, a
// double-spender. Asserts invariants only (no timing is asserted except the generous replay deadline, which is a
// liveness check: a fresh client must get through at all while the server is loaded). Numbers: `npm run load`.
// Needs `npm run build` (npm test builds dist first).

import { describe, expect, it } from 'vitest';
import { checkLoad } from './load-checks.js';
import { runLoad } from './load.js';

describe('load (CI size)', () => {
  it('20 clients posting and syncing, half-open connections, double spends: nothing lost, nothing double-spent, memory bounded, replay still served', async () => {
    const r = await runLoad({ clients: 20, seconds: 5, prebuyBatches: 12 });
    // RSS bound 128 MiB here, not LOAD_RSS_GROWTH_BOUND_MIB (64): the server buffers replays and broadcasts for
    // slow readers without backpressure (known bug, stalled-reader.test.ts), so its high-water mark rises with each
    // fresh replay probe (measured ~49 MiB in this 5 s run). Tighten to the default once that is fixed.
    expect(checkLoad(r, 128)).toEqual([]);
    expect(r.doubleSpend.concurrentWins).toEqual([1, 1, 1]);
    expect(r.doubleSpend.sequentialWins).toEqual([1, 1, 1]);
    expect(r.db.messages).toBe(r.accepted);
    expect(r.finalReplay.replayed).toBe(r.accepted);
  }, 120_000);
});
