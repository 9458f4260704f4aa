// `npm run load [-- --clients N --seconds S]`: the load campaign at full size (defaults 50 clients, 30 s). Prints a
// table, merges the numbers into bench/results.json (names containing "load"), exits 1 if an invariant broke.

import { checkLoad } from './load-checks.js';
import { loadBenchResults, runLoad } from './load.js';
import { rssSummary, table, writeBenchResults } from './lib.js';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const clients = flag('clients', 50);
const seconds = flag('seconds', 30);
const r = await runLoad({ clients, seconds, log: (s) => process.stderr.write(`load: ${s}\n`) });
const problems = checkLoad(r);
process.stdout.write(
  table([
    ['clients / seconds', `${r.clients} / ${r.seconds.toFixed(1)}`],
    ['posts accepted', `${r.accepted} (${r.postsPerSecond.toFixed(0)} posts/s)`],
    ['post latency p50 / p99', `${r.p50Ms.toFixed(1)} / ${r.p99Ms.toFixed(1)} ms`],
    ['refused / unanswered posts', `${r.refused} / ${r.unanswered}`],
    ['token buys (p50)', `${r.tokenBuys} (${r.tokenBuyP50Ms.toFixed(0)} ms)`],
    ['reconnects (resume from last commit)', String(r.reconnects)],
    ['own posts echoed live', `${r.liveDelivered} of ${r.accepted}`],
    ['double spend wins per token', `concurrent ${r.doubleSpend.concurrentWins.join(',')}; sequential ${r.doubleSpend.sequentialWins.join(',')}`],
    ['half-open connections closed by server', `${r.halfOpen.closedByServer} of ${r.halfOpen.opened}`],
    ['fresh replay under load', r.probeMs.map((ms, i) => `${ms.toFixed(0)} ms/${r.probeReplayed[i]} msgs`).join(', ')],
    ['server RSS', rssSummary(r.rss)],
    ['RSS after warm-up', `${r.warmupEndMiB.toFixed(1)} → max ${r.maxAfterWarmupMiB.toFixed(1)}, end ${r.endMiB.toFixed(1)} MiB`],
    ['server DB', `${r.db.messages} messages, ${r.db.spentTokens} spent tokens; accepted missing ${r.db.acceptedMissing}, rejected present ${r.db.rejectedPresent}`],
    ['final fresh replay', `${r.finalReplay.replayed} replayed; accepted missing ${r.finalReplay.acceptedMissing}, duplicates ${r.finalReplay.duplicates}`],
    ['RSS curve (MiB, every 2 s)', r.rss.filter((_, i) => i % 4 === 0).map((s) => s.mib.toFixed(0)).join(' ')],
  ]) + '\n',
);
writeBenchResults(loadBenchResults(r));
if (problems.length > 0) {
  process.stdout.write(`FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
} else process.stdout.write('all load invariants hold\n');
