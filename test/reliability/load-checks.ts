// The load campaign's invariants, shared by `npm run load` and the CI-sized vitest run.

import type { LoadReport } from './load.js';

/**
 * Allowed server RSS growth after warm-up, MiB. After warm-up every client is connected and synced, so what can
 * still grow is SQLite's page cache (default 2 MiB per connection), V8's heap settling under a steady allocation
 * rate, and buffers of reconnecting clients. A leak per post (~1-5 KiB each at hundreds of posts/s) passes this
 * within a minute of a long run.
 */
export const LOAD_RSS_GROWTH_BOUND_MIB = 64;
/** A fresh client must replay everything and be synced within this while the server is under load. */
export const LOAD_PROBE_DEADLINE_MS = 15_000;

/** Broken invariants, in words (empty when all hold). */
export function checkLoad(r: LoadReport, rssBoundMiB = LOAD_RSS_GROWTH_BOUND_MIB): string[] {
  const p: string[] = [];
  if (r.accepted === 0) p.push('no post was accepted');
  if (r.refused > 0) p.push(`${r.refused} posts with a fresh token under the rate limit were refused`);
  for (const [kind, wins] of [['concurrent', r.doubleSpend.concurrentWins], ['sequential', r.doubleSpend.sequentialWins]] as const) {
    if (wins.length === 0 || wins.some((w) => w !== 1)) p.push(`double spend (${kind}): successes per token ${wins.join(',')} (each must be 1)`);
  }
  if (r.db.acceptedMissing > 0) p.push(`${r.db.acceptedMissing} accepted posts are not in the server's DB`);
  if (r.db.rejectedPresent > 0) p.push(`${r.db.rejectedPresent} rejected (double-spent) posts are in the server's DB`);
  if (r.db.spentTokens !== r.db.messages) p.push(`spent tokens ${r.db.spentTokens} ≠ stored messages ${r.db.messages}`);
  if (r.db.messages !== r.accepted) p.push(`stored messages ${r.db.messages} ≠ accepted posts ${r.accepted}`);
  if (r.finalReplay.acceptedMissing > 0 || r.finalReplay.duplicates > 0) p.push(`final replay: ${r.finalReplay.acceptedMissing} accepted missing, ${r.finalReplay.duplicates} duplicated`);
  // Every client post (not the double-spender's 6 accepted ones, whose echoes it does not count) comes back live.
  if (r.liveDelivered < r.accepted - 6 - r.unanswered) p.push(`only ${r.liveDelivered} of the clients' accepted posts were echoed live`);
  if (r.probeMs.length === 0 || r.probeMs.some((ms) => !(ms <= LOAD_PROBE_DEADLINE_MS))) p.push(`fresh replay under load: ${r.probeMs.map((x) => x.toFixed(0)).join(',')} ms (deadline ${LOAD_PROBE_DEADLINE_MS})`);
  const growth = r.maxAfterWarmupMiB - r.warmupEndMiB;
  if (!(growth <= rssBoundMiB)) p.push(`server RSS grew ${growth.toFixed(1)} MiB after warm-up (bound ${rssBoundMiB})`);
  return p;
}
