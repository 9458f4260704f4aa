// One fuzz campaign in a worker thread, so the runner can stop a hung decoder and bound its heap.
// Shared progress: [batch, index, inputs started, busy] lets the runner regenerate the input that hung.

import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { loadCorpus } from './corpus.js';
import { campaign, encodeCorpus, type InputKind } from './harness.js';
import { targetByName } from './targets/index.js';

interface Job {
  readonly name: string;
  readonly runs: number;
  readonly seed: number;
  readonly slowMs: number;
  readonly progress: SharedArrayBuffer;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size / 2 ** 20;
}

const job = workerData as Job;
const t = targetByName(job.name);
if (t === undefined) throw new Error(`no target ${job.name}`);
const progress = new Int32Array(job.progress);
const extraSeeds = loadCorpus(t).map((e) => e.input);

// Warm up (JIT, lazily built tables) before the baseline, so growth means retained memory.
campaign(t, { runs: Math.min(2000, job.runs), seed: job.seed ^ 0x5eed, extraSeeds });
const before = heapMb();
const stats = campaign(t, {
  runs: job.runs,
  seed: job.seed,
  extraSeeds,
  slowMs: job.slowMs,
  onInput: (b, i) => {
    Atomics.store(progress, 0, b);
    Atomics.store(progress, 1, i);
    Atomics.add(progress, 2, 1);
  },
});
const after = heapMb();
parentPort!.postMessage({
  inputs: stats.inputs,
  seconds: stats.seconds,
  maxMsPerInput: stats.maxMsPerInput,
  heapBeforeMb: before,
  heapAfterMb: after,
  failures: stats.failures.map((f) => ({ error: f.error, corpus: encodeCorpus(t.kind as InputKind, f.input as never) })),
});
