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
    // The default bound (LOAD_RSS_GROWTH_BOUND_MIB): replays are flow-controlled and stalled live readers dropped.
    expect(checkLoad(r)).toEqual([]);
    expect(r.doubleSpend.concurrentWins).toEqual([1, 1, 1]);
    expect(r.doubleSpend.sequentialWins).toEqual([1, 1, 1]);
    expect(r.db.messages).toBe(r.accepted);
    expect(r.finalReplay.replayed).toBe(r.accepted);
  }, 120_000);
});
