// `npm run bench [-- --quick] [-- --only WORD]`: runs every suite in bench/suites, prints a table and
// writes bench/results.json as {"results":[{name,value,unit,ratio?}]}
// (with --only, merged into the existing file).
// `npm run bench -- --scale [1M,5M,10M]`: the scale suite alone (minutes to an hour, tens of GB in the temp dir;
// never in CI), merged into the existing file. Without --scale that suite is skipped.

import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchSuite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const scaleIdx = process.argv.indexOf('--scale');
const scale = scaleIdx >= 0 ? parseSizes(process.argv[scaleIdx + 1]) : undefined;
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : scale ? 'scale' : undefined;
const SCALE_SUITE = 'scale.js';

const suitesDir = join(here, 'suites');
const files = readdirSync(suitesDir).filter((f) => f.endsWith('.js')).sort();
const results: BenchResult[] = [];
for (const f of files) {
  if (only && !f.includes(only)) continue;
  if ((f === SCALE_SUITE) !== (scale !== undefined)) continue;
  const mod = (await import(pathToFileURL(join(suitesDir, f)).href)) as { default: BenchSuite };
  process.stderr.write(`bench: ${f}\n`);
  const t0 = performance.now();
  try {
    const rs = await mod.default({ quick, ...(scale ? { scale } : {}) });
    for (const r of rs) {
      results.push(r);
      const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(2)}`;
      process.stdout.write(`${r.name.padEnd(56)} ${fmt(r.value).padStart(12)} ${r.unit}${ratio}${r.note ? `  (${r.note})` : ''}\n`);
    }
  } catch (e) {
    process.stdout.write(`${f}: failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${f} took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
process.stderr.write(`bench: all suites took ${(performance.now() / 1000).toFixed(1)} s\n`);

/** `1M,5M,10M` (k and M suffixes); a missing list or the next flag means the default. */
function parseSizes(arg: string | undefined): number[] {
  if (arg === undefined || arg.startsWith('--')) return [1e6, 5e6, 10e6];
  return arg.split(',').map((w) => {
    const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(w.trim());
    if (!m) throw new Error(`--scale: "${w}" is not a size like 100k or 5M`);
    return Math.round(Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1e3 : 1e6));
  });
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

// Written next to the sources (bench/results.json), not into dist/.
const out = join(here, '..', '..', 'bench', 'results.json');
mkdirSync(dirname(out), { recursive: true });
// `--only` runs one suite: keep the other suites' last numbers instead of dropping them.
let merged = results;
if (only) {
  try {
    const prev = JSON.parse(readFileSync(out, 'utf8')) as { results?: BenchResult[] };
    const fresh = new Set(results.map((r) => r.name));
    merged = [...(prev.results ?? []).filter((r) => !fresh.has(r.name)), ...results];
  } catch {
    // No previous file (or unreadable): write only this run.
  }
}
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), quick, results: merged }, null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
