// "rss idle": resident memory of a real client process sitting idle with an unlocked profile (headless, so no
// terminal is needed; the TUI adds Ink and the view model on top — its in-process numbers are in the tui suite).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchResult } from '../harness.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'cwtch-tui.js');

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export default async function rss(opts: BenchOptions): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'cwtch-bench-rss-'));
  const child = spawn(process.execPath, [bin, 'headless', '--network', 'local', '--local-net', join(root, 'net'), '--home', join(root, 'home')], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  try {
    const lines = createInterface({ input: child.stdout });
    const profile = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no profile event in 30 s')), 30_000);
      lines.on('line', (l) => {
        if (l.includes('"event":"profile"')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    child.stdin.write(JSON.stringify({ cmd: 'create-profile', name: 'bench', password: 'bench' }) + '\n');
    await profile;
    const idleMs = opts.quick ? 2000 : 10_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const value = rssMiB(child.pid!);
    return [{ name: 'rss idle (headless client, one unlocked profile)', value, unit: 'MiB', ratio: value / 150, note: `after ${idleMs / 1000} s idle; goal ≤ 150 MB for the client` }];
  } finally {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}
