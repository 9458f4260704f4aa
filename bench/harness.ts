// Shared shape of `npm run bench`: each suite in bench/suites/ exports `default` returning results.
// Never assert timings in unit tests; numbers live here.

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** value / ceiling measured in the same run, where a ceiling applies. */
  readonly ratio?: number;
  /** What the ratio is against, or a goal, in words. */
  readonly note?: string;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Store sizes for the scale suite (`--scale 1M,5M`); the suite runs only when this is set. */
  readonly scale?: readonly number[];
}

export type BenchSuite = (opts: BenchOptions) => Promise<BenchResult[]>;

/** Run `fn` repeatedly for about `ms` milliseconds (after a short warm-up) and return operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms: number): Promise<number> {
  const warm = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warm) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) await fn();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** Synchronous variant without per-call await overhead, for fast primitives. */
export function opsPerSecondSync(fn: () => unknown, ms: number): number {
  const warm = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warm) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) fn();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
