// A sampling CPU profile of this thread (node:inspector, the profiler --cpu-prof uses) for part of a bench, and its
// samples attributed to named items: each sample goes to the first item (in the given order) that any frame of its
// stack matches, so an item counts everything it calls. Not a suite (lives outside suites/).

import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileItem {
  readonly name: string;
  /** Does this frame belong to the item? `file` is the last path segment of the frame's url ('' for V8's own). */
  readonly match: (fn: string, file: string) => boolean;
}

export interface Breakdown {
  /** Sampled busy time (not idle), ms. */
  readonly busyMs: number;
  /** Per item (in the given order, then 'other'): busy ms and its share of busyMs. */
  readonly items: readonly { readonly name: string; readonly ms: number; readonly share: number }[];
  /** The hottest functions by self time, for the reader ("fn file ms"). */
  readonly top: readonly string[];
}

/** Start sampling this thread every `intervalUs`; the returned function stops and yields the profile. */
export async function startProfile(intervalUs = 500): Promise<() => Promise<CpuProfile>> {
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await s.post('Profiler.start');
  return async () => {
    const { profile } = await s.post('Profiler.stop');
    s.disconnect();
    return profile as unknown as CpuProfile;
  };
}

const fileOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export function breakdown(p: CpuProfile, items: readonly ProfileItem[], saveTo?: string): Breakdown {
  if (saveTo !== undefined) writeFileSync(saveTo, JSON.stringify(p));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Which item a node's stack (itself and its callers) falls under; memoised per node.
  const itemOf = new Map<number, number>();
  const classify = (id: number): number => {
    const known = itemOf.get(id);
    if (known !== undefined) return known;
    let best = items.length;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const file = fileOf(f.url);
      for (let i = 0; i < best; i++) if (items[i]!.match(f.functionName, file)) best = i;
    }
    itemOf.set(id, best);
    return best;
  };
  const ms = new Array<number>(items.length + 1).fill(0);
  const self = new Map<number, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    // A sample's delta is the time since the previous one: charge it to this sample (as DevTools does).
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busy += dt;
    ms[classify(id)]! += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const names = [...items.map((it) => it.name), 'other'];
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([id, t]) => {
      const f = byId.get(id)!.callFrame;
      return `${(f.functionName || '(anonymous)').padEnd(34)} ${fileOf(f.url).padEnd(28)} ${t.toFixed(0).padStart(6)} ms  [${names[classify(id)]}]`;
    });
  return { busyMs: busy, items: names.map((name, i) => ({ name, ms: ms[i]!, share: busy > 0 ? ms[i]! / busy : 0 })), top };
}
