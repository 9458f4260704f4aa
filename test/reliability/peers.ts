// Headless peers for the crash and soak campaigns: a named profile whose process can be killed (-9), stopped
// cleanly and restarted on the same home, plus history checks. Processes are stopped by their own PID.

import { join } from 'node:path';
import { HeadlessProc, type Ev } from '../app/helpers/headless-proc.js';

export interface HistoryRow {
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly outgoing: boolean;
  readonly ack: string;
  readonly signature?: string;
}

/** One profile on the local network (or tor, with `args`), across restarts of its process. */
export class Peer {
  proc: HeadlessProc;
  onion = '';
  /** Every process this peer ran, oldest first (their events stay readable). */
  readonly history: HeadlessProc[] = [];
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly home: string,
    private readonly args: string[],
  ) {
    this.proc = this.spawn();
  }

  static local(name: string, root: string, net: string): Peer {
    return new Peer(name, join(root, name), ['--network', 'local', '--local-net', net]);
  }

  private spawn(): HeadlessProc {
    const p = new HeadlessProc([...this.args, '--home', this.home]);
    this.history.push(p);
    return p;
  }

  get pid(): number {
    return this.proc.pid;
  }

  async create(): Promise<string> {
    const e = await this.proc.call({ cmd: 'create-profile', name: this.name, password: `${this.name}-pw` }, 'profile', 60_000);
    this.onion = e.onion as string;
    return this.onion;
  }

  private async unlock(): Promise<void> {
    const e = await this.proc.call({ cmd: 'unlock', password: `${this.name}-pw` }, 'profile', 60_000);
    if (e.onion !== this.onion) throw new Error(`${this.name}: unlocked a different profile`);
  }

  /** kill -9, then a new process on the same home, unlocked. */
  async crash(): Promise<void> {
    await this.proc.kill9();
    await this.restartProcess();
  }

  /** Clean quit, then a new process, unlocked. */
  async restart(): Promise<void> {
    const code = await Promise.race([this.proc.quit(), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    if (code === 'hung') {
      await this.proc.kill9();
      throw new Error(`${this.name}: quit did not finish in 20 s`);
    }
    if (code !== 0) throw new Error(`${this.name}: quit exited ${String(code)}`);
    await this.restartProcess();
  }

  private async restartProcess(): Promise<void> {
    this.restarts++;
    this.proc = this.spawn();
    await this.unlock();
  }

  async historyWith(conversation: string): Promise<HistoryRow[]> {
    const h = await this.proc.call({ cmd: 'history', conversation, limit: 100_000 }, 'history', 60_000);
    return h.messages as HistoryRow[];
  }

  /** Every event of every process of this peer that matches. */
  allEvents(pred: (e: Ev) => boolean): Ev[] {
    return this.history.flatMap((p) => p.events.filter(pred));
  }

  killNow(): void {
    for (const p of this.history) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export const authenticated = (onion: string) => (e: Ev) => e.event === 'peer-state' && e.onion === onion && e.state === 'Authenticated';

/** a and b approve each other and are connected. */
export async function befriend(a: Peer, b: Peer): Promise<void> {
  await a.proc.call({ cmd: 'add', text: b.onion }, 'contact');
  await b.proc.call({ cmd: 'add', text: a.onion }, 'contact');
  await a.proc.waitFor(authenticated(b.onion), 30_000, `${a.name} ↔ ${b.name}`);
}

/** Texts that occur more than once. */
export function duplicates(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of texts) (seen.has(t) ? dup : seen).add(t);
  return [...dup];
}

/** Poll until `cond` resolves true; throws with `what` after `ms`. */
export async function eventually(cond: () => Promise<boolean>, ms: number, what: string, everyMs = 500): Promise<void> {
  const end = performance.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
