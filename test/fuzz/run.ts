// `npm run fuzz [-- --target NAME[,NAME]] [-- --runs N] [-- --seed S] [-- --write-seeds]`
// Runs each target's campaign in a worker thread (heap capped) with a watchdog: an input slower than 1 s is a
// failure, one that does not finish in 10 s is a hang and the worker is stopped. Every failing input is saved to
// test/corpus/<target>/ and replayed by corpus-replay.test.ts from then on. Exit code 1 on any failure.

import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { saveInput } from './corpus.js';
import { campaignArbitrary, decodeCorpus, sampleBatch, type FuzzTarget, type InputKind } from './harness.js';
import { loadCorpus } from './corpus.js';
import { TARGETS, targetByName } from './targets/index.js';

/** Per-input bound (our choice: a decoder slower than this on one input is a finding): anything slower is reported. */
const SLOW_MS = 1000;
/** No progress for this long is a hang: the worker is terminated. */
const HANG_MS = 10_000;
/** Retained heap growth over a campaign above this is a failure (a decoder keeping state between inputs). */
const HEAP_GROWTH_LIMIT_MB = 32;
/** Hard cap on each worker's old generation: a decoder that allocates without bound dies here, not the machine. */
const WORKER_HEAP_MB = 1024;

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    runs: { type: 'string' },
    seed: { type: 'string' },
    'write-seeds': { type: 'boolean', default: false },
  },
});

const runs = values.runs !== undefined ? Number(values.runs) : process.env['CI'] === 'true' ? 10_000 : 1_000_000;
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const names = (values.target ?? []).flatMap((t) => t.split(','));
const targets = names.length === 0 ? TARGETS : names.map((n) => targetByName(n) ?? fail(`unknown target ${n}; known: ${TARGETS.map((t) => t.name).join(', ')}`));

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

if (values['write-seeds']) {
  for (const t of targets) for (const s of t.seeds()) saveInput(t, s as never, 'seed');
  console.log(`seeds written for ${targets.length} targets`);
  process.exit(0);
}

interface WorkerStats {
  inputs: number;
  seconds: number;
  maxMsPerInput: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  failures: { error: string; corpus: { ext: string; data: Uint8Array } }[];
}

/** The input the worker was on, regenerated from the campaign's deterministic batches. */
function inputAt(t: FuzzTarget<InputKind>, batch: number, index: number): unknown {
  const arb = campaignArbitrary(t, loadCorpus(t).map((e) => e.input));
  return sampleBatch(arb, seed, batch)[index];
}

function runTarget(t: FuzzTarget<InputKind>): Promise<{ ok: boolean; line: string }> {
  const progress = new SharedArrayBuffer(16);
  const view = new Int32Array(progress);
  // The worker is TypeScript: register tsx's loader inside it before importing (execArgv --import races the entry).
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { name: t.name, runs, seed, slowMs: SLOW_MS, progress },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  return new Promise((resolve) => {
    let last = -1;
    let lastChange = Date.now();
    const watchdog = setInterval(() => {
      const n = Atomics.load(view, 2);
      if (n !== last) {
        last = n;
        lastChange = Date.now();
        return;
      }
      if (n > 0 && Date.now() - lastChange > HANG_MS) {
        clearInterval(watchdog);
        const file = saveInput(t, inputAt(t, Atomics.load(view, 0), Atomics.load(view, 1)) as never, 'hang');
        void worker.terminate();
        resolve({ ok: false, line: `${t.name}: HANG over ${HANG_MS / 1000} s, input saved as ${file}` });
      }
    }, 250);
    worker.on('message', (s: WorkerStats) => {
      clearInterval(watchdog);
      const saved = s.failures.map((f) => {
        const input = decodeCorpus(t.kind, `x.${f.corpus.ext}`, f.corpus.data);
        return `${saveInput(t, input as never, f.error.startsWith('slow input') ? 'slow' : 'crash')} (${f.error})`;
      });
      const growth = s.heapAfterMb - s.heapBeforeMb;
      const problems = [...saved];
      if (growth > HEAP_GROWTH_LIMIT_MB) problems.push(`heap grew ${growth.toFixed(1)} MB`);
      const line =
        `${t.name.padEnd(14)} ${String(s.inputs).padStart(8)} inputs  ${(s.inputs / s.seconds).toFixed(0).padStart(7)}/s  ` +
        `max ${s.maxMsPerInput.toFixed(2).padStart(7)} ms/input  heap ${s.heapBeforeMb.toFixed(1)}→${s.heapAfterMb.toFixed(1)} MB` +
        (problems.length > 0 ? `\n  FAIL: ${problems.join('\n  FAIL: ')}` : '');
      resolve({ ok: problems.length === 0, line });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      clearInterval(watchdog);
      if (Atomics.load(view, 2) === 0) {
        resolve({ ok: false, line: `${t.name}: worker failed before the campaign: ${e.stack ?? e.message}` });
        return;
      }
      const file = saveInput(t, inputAt(t, Atomics.load(view, 0), Atomics.load(view, 1)) as never, e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'crash');
      resolve({ ok: false, line: `${t.name}: worker died (${e.code ?? e.message}), input saved as ${file}` });
    });
  });
}

console.log(`fuzz: ${targets.length} targets × ${runs} inputs, seed ${seed}`);
let allOk = true;
for (const t of targets) {
  const r = await runTarget(t);
  console.log(r.line);
  allOk &&= r.ok;
}
process.exit(allOk ? 0 : 1);
