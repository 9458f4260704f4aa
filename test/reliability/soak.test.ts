// One-minute soak (CI): three peers and a server, 1:1 and group traffic, random kill -9 and clean restarts of
// peers and the server. Every message sent is present exactly once on every intended receiver; alice (never
// restarted) keeps a flat RSS. The full-length run is `npm run soak`. Needs `npm run build`.

import { describe, expect, it } from 'vitest';
import { quarterMedians } from './lib.js';
import { SOAK_RSS_GROWTH_BOUND_MIB, runSoak } from './soak.js';

describe('soak (CI, about a minute)', () => {
  it('restarts of peers and server under continuous traffic lose and duplicate nothing', async () => {
    const r = await runSoak({ minutes: 0.6, restartEveryMs: 6000, settleMs: 25_000 });
    expect(r.missing).toEqual([]);
    expect(r.duplicated).toEqual([]);
    expect(r.checked).toBeGreaterThan(20);
    const restarts = r.restarts.kill9Peer + r.restarts.cleanPeer + r.restarts.kill9Server + r.restarts.cleanServer;
    expect(restarts).toBeGreaterThanOrEqual(2);
    const q = quarterMedians(r.rss['alice']!.map((s) => s.mib));
    expect(q.last - q.first).toBeLessThan(SOAK_RSS_GROWTH_BOUND_MIB);
  }, 90_000);
});
