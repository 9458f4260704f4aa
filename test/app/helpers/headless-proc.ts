// Drives one `cwtch-tui headless` process: write commands, collect events, wait for a matching event.
// Processes are stopped by their own PID (never by name).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../../../src/core/api/events.js';

export type Ev = EngineEvent & Record<string, unknown>;

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

export const BIN = join(repoRoot(), 'dist', 'bin', 'cwtch-tui.js');

export class HeadlessProc {
  readonly events: Ev[] = [];
  stderr = '';
  private buf = '';
  private readonly waiters: { pred: (e: Ev) => boolean; resolve: (e: Ev) => void }[] = [];
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, [BIN, 'headless', ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (s: string) => {
      this.buf += s;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line === '') continue;
        const e = JSON.parse(line) as Ev;
        this.events.push(e);
        for (const w of [...this.waiters]) {
          if (w.pred(e)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      }
    });
    this.proc.stderr.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.proc.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  static local(net: string, home: string): HeadlessProc {
    return new HeadlessProc(['--network', 'local', '--local-net', net, '--home', home]);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(cmd: Record<string, unknown>): void {
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
  }

  writeRaw(s: string | Uint8Array): boolean {
    return this.proc.stdin.write(s);
  }

  /** The first event so far or from now on that matches; rejects after `ms`. */
  waitFor(pred: (e: Ev) => boolean, ms = 20_000, what = 'event'): Promise<Ev> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (e: Ev) => (clearTimeout(t), resolve(e)) };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-500)}; last events: ${JSON.stringify(this.events.slice(-5))}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  /** Send a command with an id and wait for the event that answers it. */
  async call(cmd: Record<string, unknown>, event: string, ms = 20_000): Promise<Ev> {
    const id = `c${Math.random().toString(36).slice(2)}`;
    this.send({ ...cmd, id });
    const e = await this.waitFor((x) => x.id === id && (x.event === event || x.event === 'error'), ms, `${event} for ${String(cmd.cmd)}`);
    if (e.event === 'error' && event !== 'error') throw new Error(`${String(cmd.cmd)} failed: ${String(e.code)}`);
    return e;
  }

  async quit(): Promise<number | null> {
    this.send({ cmd: 'quit' });
    return this.exited;
  }

  kill9(): Promise<number | null> {
    process.kill(this.pid, 'SIGKILL');
    return this.exited;
  }
}
