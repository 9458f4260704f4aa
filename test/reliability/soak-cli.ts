// `npm run soak [-- --minutes M]` (default 5): the soak campaign at full length. Prints a summary and exits 1 if a
// message is missing or duplicated anywhere or a long-lived process's RSS is not flat.

import { quarterMedians, rssSummary, table } from './lib.js';
import { SOAK_RSS_GROWTH_BOUND_MIB, runSoak } from './soak.js';

const i = process.argv.indexOf('--minutes');
const minutes = i >= 0 ? Number(process.argv[i + 1]) : 5;
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes needs a positive number');
const r = await runSoak({ minutes, log: (s) => process.stderr.write(`soak: ${s}\n`) });
const rows: [string, string][] = [
  ['traffic', `${r.seconds.toFixed(0)} s; ${r.sentDirect} direct + ${r.sentGroup} group messages`],
  ['restarts survived', `peers: ${r.restarts.kill9Peer} kill -9, ${r.restarts.cleanPeer} clean; server: ${r.restarts.kill9Server} kill -9, ${r.restarts.cleanServer} clean`],
  ['receiver × message checks', `${r.checked}; missing ${r.missing.length}, duplicated ${r.duplicated.length}`],
];
const problems = [...r.missing.map((m) => `missing ${m}`), ...r.duplicated.map((m) => `duplicated ${m}`)];
for (const [name, s] of Object.entries(r.rss)) {
  rows.push([`RSS ${name}`, rssSummary(s)]);
  const q = quarterMedians(s.map((x) => x.mib));
  if (s.length >= 8 && q.last - q.first > SOAK_RSS_GROWTH_BOUND_MIB) problems.push(`RSS of ${name} grew ${(q.last - q.first).toFixed(1)} MiB (bound ${SOAK_RSS_GROWTH_BOUND_MIB})`);
}
process.stdout.write(table(rows) + '\n');
if (problems.length > 0) {
  process.stdout.write(`FAILED:\n${problems.slice(0, 50).map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
} else process.stdout.write('every message present exactly once on every receiver; RSS flat\n');
