// One app-owned tor child process: generated torrc, its own DataDirectory, SAFECOOKIE auth,
// TAKEOWNERSHIP. Stopped with SIGNAL SHUTDOWN, then SIGKILL by PID if it is still alive.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { TOR_SHUTDOWN_GRACE_MS, TOR_START_TIMEOUT_MS } from '../core/limits.js';
import { ControlPort } from './control-port.js';
import { TorError } from './errors.js';
import { buildTorrc, torrcPaths, type TorrcPaths } from './torrc.js';

export interface TorProcessOptions {
  readonly torPath: string;
  /** State directory for this tor (created 0700). */
  readonly dir: string;
  /** Extra torrc text appended to ours. */
  readonly extraTorrc?: string;
  readonly ownerPid?: number;
  readonly startTimeoutMs?: number;
}

export interface StartedTor {
  readonly pid: number;
  readonly control: ControlPort;
  readonly socks: { readonly host: string; readonly port: number };
}

const TAIL_LINES = 20;

export class TorProcess {
  readonly paths: TorrcPaths;
  private child: ChildProcess | null = null;
  private exitCbs: ((code: number | null, signal: string | null) => void)[] = [];
  private stderrTail: string[] = [];
  private exited = true;

  constructor(private readonly opts: TorProcessOptions) {
    this.paths = torrcPaths(opts.dir);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Called once per child when it exits (expected or not). */
  onExit(cb: (code: number | null, signal: string | null) => void): void {
    this.exitCbs.push(cb);
  }

  /** Spawn tor and return an authenticated control connection that owns it, plus its SOCKS address. */
  async start(): Promise<StartedTor> {
    if (this.running) throw new TorError('tor.start-failed', 'tor is already running');
    const p = this.paths;
    await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    await mkdir(p.dataDir, { recursive: true, mode: 0o700 });
    await chmod(p.dataDir, 0o700); // tor refuses a group/world-readable DataDirectory
    await rm(p.controlPortFile, { force: true });
    await writeFile(p.torrc, buildTorrc({ dir: this.opts.dir, ownerPid: this.opts.ownerPid ?? process.pid, ...(this.opts.extraTorrc !== undefined ? { extra: this.opts.extraTorrc } : {}) }), { mode: 0o600 });
    await writeFile(p.defaultsTorrc, '', { mode: 0o600 });

    const child = spawn(this.opts.torPath, ['-f', p.torrc, '--defaults-torrc', p.defaultsTorrc], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = false;
    this.stderrTail = [];
    const keep = (b: Buffer): void => {
      for (const l of b.toString('utf8').split('\n')) if (l.trim() !== '') this.stderrTail.push(l.trim());
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - TAIL_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exitInfo: { code: number | null; signal: string | null } | null = null;
    child.on('error', () => {
      exitInfo ??= { code: null, signal: null };
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      this.exited = true;
      for (const cb of this.exitCbs) cb(code, signal);
    });

    try {
      const port = await this.waitForControlPort(() => exitInfo !== null);
      const control = await ControlPort.connect('127.0.0.1', port);
      await control.authenticate({ cookieFile: p.cookieFile });
      await control.takeOwnership();
      const socks = await control.socksAddress();
      return { pid: child.pid!, control, socks };
    } catch (e) {
      this.killNow();
      if (e instanceof TorError && e.code !== 'tor.start-failed' && exitInfo === null) throw e;
      throw new TorError('tor.start-failed', `tor did not start: ${this.lastLogLine()}`);
    }
  }

  /** The last thing tor said on stdout/stderr (paths and warnings; tor never prints keys there). */
  lastLogLine(): string {
    const warn = this.stderrTail.filter((l) => / \[(warn|err)\] /.test(l) && !/see warnings above/.test(l)).at(-1);
    return (warn ?? this.stderrTail.at(-1))?.replace(/^.*? \[(warn|err|notice)\] /, '') ?? 'no output';
  }

  private async waitForControlPort(exited: () => boolean): Promise<number> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? TOR_START_TIMEOUT_MS);
    while (Date.now() < deadline) {
      if (exited()) throw new TorError('tor.start-failed', 'tor exited during start');
      try {
        const text = await readFile(this.paths.controlPortFile, 'utf8');
        const m = /^PORT=127\.0\.0\.1:([0-9]{1,5})\r?\n/.exec(text);
        if (m && Number(m[1]) > 0 && Number(m[1]) < 65536) return Number(m[1]);
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new TorError('tor.start-failed', 'tor did not open its control port in time');
  }

  /**
   * Stop this tor: SIGNAL SHUTDOWN over `control` (if given and open), wait, then SIGKILL by PID.
   * Resolves once the process has exited.
   */
  async stop(control?: ControlPort, graceMs: number = TOR_SHUTDOWN_GRACE_MS): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    if (control && !control.closed) await control.signal('SHUTDOWN').catch(() => undefined);
    else child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([gone, timer])) === 'timeout') {
      this.killNow();
      await gone;
    }
  }

  /** SIGKILL the child by its PID. */
  killNow(): void {
    const pid = this.child?.pid;
    if (pid !== undefined && !this.exited) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
