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

/**
 * The built client; CWTCH_TEST_DIST names another build's dist dir (e.g. a private build, so that a rebuild of the
 * shared dist/ half-way through a run cannot change what is under test).
 */
export const BIN = join(process.env.CWTCH_TEST_DIST ?? join(repoRoot(), 'dist'), 'bin', 'cwtch-tui.js');

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

  static local(net: string, home: string, extra: string[] = []): HeadlessProc {
    return new HeadlessProc(['--network', 'local', '--local-net', net, '--home', home, ...extra]);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Still running (its PID is still ours to signal). */
  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
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

  /** Create a profile (password `<name>-pw` unless given); resolves with its onion. */
  async createProfile(name: string, password = `${name}-pw`): Promise<string> {
    return (await this.call({ cmd: 'create-profile', name, password }, 'profile')).onion as string;
  }

  /** Unlock the profile in this home; resolves with its onion. */
  async unlock(password: string): Promise<string> {
    return (await this.call({ cmd: 'unlock', password }, 'profile')).onion as string;
  }

  /** A conversation's stored messages, oldest first (`limit` only when given: the engine's default otherwise). */
  async history<M = { text: string; outgoing: boolean; ack: string; messageId: string }>(conversation: string, limit?: number): Promise<M[]> {
    const h = await this.call({ cmd: 'history', conversation, ...(limit === undefined ? {} : { limit }) }, 'history');
    return h.messages as M[];
  }

  async quit(): Promise<number | null> {
    this.send({ cmd: 'quit' });
    return this.exited;
  }

  kill9(): Promise<number | null> {
    if (this.running) process.kill(this.pid, 'SIGKILL');
    return this.exited;
  }
}
