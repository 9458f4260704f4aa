// What the tor ACN says about tor (its AcnStatus, docs/tor.md "Bootstrap and status"): bootstrap progress from
// tor's events, tor's warnings, a stall once progress stops moving, and who waits for "ready". When tor starts,
// stops or is restarted is supervision's (tor-acn.ts), which reports it through emit().

import type { AcnStatus } from '../core/net/acn.js';
import type { BootstrapInfo } from './control-port.js';
import { TorError } from './errors.js';

export class TorStatus {
  private status: AcnStatus = { state: 'starting', progress: 0, summary: 'starting tor' };
  private cb: (s: AcnStatus) => void = () => {};
  private stallTimer: NodeJS.Timeout | null = null;
  /** Non-zero while bootstrap is stalled: how long it had made no progress when we said so. */
  private stalledMs = 0;
  private lastWarning = '';
  private readyWaiters: { resolve: () => void; reject: (e: TorError) => void }[] = [];

  constructor(
    /** No bootstrap progress for this long → 'failed', saying so. */
    private readonly stallMs: number,
    /** The ACN is closing: no stall is reported and nobody new may wait. */
    private readonly closing: () => boolean,
    onStatus?: (s: AcnStatus) => void,
  ) {
    if (onStatus) this.cb = onStatus;
  }

  get current(): AcnStatus {
    return this.status;
  }

  setCallback(cb: (s: AcnStatus) => void): void {
    this.cb = cb;
  }

  /** Resolves at PROGRESS=100; rejects on close or after timeoutMs. */
  waitUntilReady(timeoutMs: number): Promise<void> {
    if (this.status.state === 'ready') return Promise.resolve();
    if (this.closing()) return Promise.reject(new TorError('tor.closed', 'the tor connection is closed'));
    return new Promise<void>((resolve, reject) => {
      const w = {
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
        reject: (e: TorError) => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((x) => x !== w);
        reject(new TorError('tor.not-running', `tor did not finish bootstrapping in time (${this.status.progress} %: ${this.status.summary})`));
      }, timeoutMs);
      this.readyWaiters.push(w);
    });
  }

  onBootstrap(b: BootstrapInfo): void {
    if (b.severity !== 'NOTICE') {
      // docs/tor.md: WARN BOOTSTRAP carries WARNING="Connection refused" REASON=…: show it.
      this.lastWarning = b.warning ?? b.reason ?? b.summary;
      // Once stalled, stay 'failed' (with the newest reason) until progress moves again.
      if (this.stalledMs > 0) this.emitStall();
      else this.emit({ state: 'starting', progress: b.progress, summary: `${b.summary}: ${this.lastWarning}` });
      return;
    }
    const advanced = b.progress !== this.status.progress;
    if (!advanced && this.stalledMs > 0) return;
    this.stalledMs = 0;
    if (b.progress >= 100) {
      this.clearStall();
      this.emit({ state: 'ready', progress: 100, summary: b.summary || 'Done' });
      for (const w of this.readyWaiters.splice(0)) w.resolve();
      return;
    }
    this.emit({ state: 'starting', progress: b.progress, summary: b.summary });
    if (advanced || this.stallTimer === null) this.armStall();
  }

  /** Stop watching for a stall (tor is ready, or gone). */
  clearStall(): void {
    this.stalledMs = 0;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  /** Closed for good: say so, and fail whoever still waits for ready. */
  closed(): void {
    this.emit({ state: 'closed', progress: this.status.progress, summary: 'tor closed' });
    for (const w of this.readyWaiters.splice(0)) w.reject(new TorError('tor.closed', 'the tor connection is closed'));
  }

  emit(s: AcnStatus): void {
    this.status = s;
    try {
      this.cb(s);
    } catch {
      // a consumer bug must not break supervision
    }
  }

  private armStall(): void {
    this.clearStall();
    const ms = this.stallMs;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = null;
      if (this.closing() || this.status.state === 'ready') return;
      this.stalledMs = ms;
      this.emitStall();
    }, ms);
    this.stallTimer.unref();
  }

  private emitStall(): void {
    const why = this.lastWarning ? `: ${this.lastWarning}` : '';
    this.emit({
      state: 'failed',
      progress: this.status.progress,
      summary: `tor has made no progress for ${Math.round(this.stalledMs / 1000)} s at ${this.status.progress} %${why}`,
    });
  }
}
