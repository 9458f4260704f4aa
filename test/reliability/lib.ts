// Shared pieces of the reliability campaigns (load, crash, soak): RSS sampling of child processes by PID,
// percentiles and medians, bench-result entries, and small waiting helpers. Runs under vitest and under tsx.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../../bench/harness.js';

/** VmRSS of a process in MiB, or null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) / 1024;
  } catch {
    return null;
  }
}

export interface RssSample {
  /** ms since the sampler started */
  readonly t: number;
  readonly mib: number;
}

/** Samples VmRSS of a PID every `everyMs` (500 ms by default) until stopped or the process is gone. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 500,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    const v = rssMiB(this.pid);
    if (v !== null) this.samples.push({ t: performance.now() - this.t0, mib: v });
  }

  stop(): RssSample[] {
    clearInterval(this.timer);
    return this.samples;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const median = (v: readonly number[]): number => percentile(v, 50);

/** Median of the first and of the last quarter of a series (how the soak decides "flat"). */
export function quarterMedians(v: readonly number[]): { first: number; last: number } {
  const q = Math.max(1, Math.floor(v.length / 4));
  return { first: median(v.slice(0, q)), last: median(v.slice(-q)) };
}

/** "min/median/max" of an RSS series, for reports. */
export function rssSummary(s: readonly RssSample[]): string {
  const v = s.map((x) => x.mib);
  if (v.length === 0) return 'no samples';
  const { first, last } = quarterMedians(v);
  return `min ${Math.min(...v).toFixed(1)} / max ${Math.max(...v).toFixed(1)} MiB; first-quarter median ${first.toFixed(1)}, last-quarter median ${last.toFixed(1)} (${v.length} samples)`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

/**
 * Merge entries into bench/results.json (same shape `npm run bench` writes): entries with the same name are
 * replaced, everything else is kept.
 */
export function writeBenchResults(entries: readonly BenchResult[], file = join(repoRoot(), 'bench', 'results.json')): void {
  let doc: { date?: string; quick?: boolean; results: BenchResult[] } = { results: [] };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch {
    // a fresh file
  }
  const names = new Set(entries.map((e) => e.name));
  doc.results = [...(doc.results ?? []).filter((r) => !names.has(r.name)), ...entries];
  doc.date = new Date().toISOString();
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}

/** A fixed-width table for the CLIs. */
export function table(rows: readonly (readonly [string, string])[]): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
