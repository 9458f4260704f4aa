// Bytes on the wire per server, per contact and in total (docs/ux.md complaint 3: idle bandwidth must be visible).
// The engine wraps its Acn so every stream it dials or accepts is counted where the bytes actually pass; the
// meter turns the counters into throttled `bytes` events (at most one per key per BYTES_EVENT_INTERVAL_MS).

import type { EngineEvent } from '../../core/api/events.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import { BYTES_EVENT_INTERVAL_MS } from '../../core/limits.js';
import type { Acn, AcnStatus, Listener, Stream } from '../../core/net/acn.js';
import type { Clock, TimerHandle } from '../../core/ports.js';
import type { DataBudget } from './data-budget.js';

export type ByteScope = 'server' | 'contact' | 'total';

export interface ByteCount {
  sent: number;
  received: number;
}

/** Where a dialled onion's bytes belong: a server (token board or its token service) or a contact. */
export type ScopeOf = (onion: OnionAddress) => { readonly scope: 'server' | 'contact'; readonly key: string };

/** Inbound streams are counted before we know who is calling (only the peer's auth tells): this key. */
export const INBOUND_KEY = 'inbound';

export class ByteMeter {
  private readonly counts = new Map<string, ByteCount & { scope: ByteScope; key: string }>();
  private readonly dirty = new Set<string>();
  private readonly lastEmit = new Map<string, number>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (e: Extract<EngineEvent, { event: 'bytes' }>) => void,
    private readonly intervalMs = BYTES_EVENT_INTERVAL_MS,
    /** Counts the total into the day's budget; its `today` and `budget` ride on the total's events. */
    private readonly budget?: DataBudget,
  ) {}

  /** Count `sent`/`received` bytes for one scope/key and the total. */
  add(scope: 'server' | 'contact', key: string, sent: number, received: number): void {
    this.bump(scope, key, sent, received);
    this.bump('total', 'total', sent, received);
    this.budget?.add(sent + received);
  }

  get(scope: ByteScope, key: string): ByteCount {
    const c = this.counts.get(`${scope}:${key}`);
    return { sent: c?.sent ?? 0, received: c?.received ?? 0 };
  }

  /** Every counter as a `bytes` event (a UI redrawing from scratch); the total always, for its day and budget. */
  snapshot(): Extract<EngineEvent, { event: 'bytes' }>[] {
    const all = [...this.counts.values()];
    if (this.budget !== undefined && !this.counts.has('total:total')) all.push({ scope: 'total', key: 'total', sent: 0, received: 0 });
    return all.map((c) => this.event(c));
  }

  /** The total's event now (the budget or the day changed without traffic). */
  total(): Extract<EngineEvent, { event: 'bytes' }> {
    return this.event(this.counts.get('total:total') ?? { scope: 'total', key: 'total', sent: 0, received: 0 });
  }

  private event(c: ByteCount & { scope: ByteScope; key: string }): Extract<EngineEvent, { event: 'bytes' }> {
    const e = { event: 'bytes', scope: c.scope, key: c.key, sent: c.sent, received: c.received } as const;
    return c.scope === 'total' && this.budget !== undefined ? { ...e, today: this.budget.today, budget: this.budget.budget } : e;
  }

  /** Emit what is pending now and stop the timer. */
  close(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.flush(true);
  }

  private bump(scope: ByteScope, key: string, sent: number, received: number): void {
    const k = `${scope}:${key}`;
    let c = this.counts.get(k);
    if (c === undefined) this.counts.set(k, (c = { scope, key, sent: 0, received: 0 }));
    c.sent += sent;
    c.received += received;
    this.dirty.add(k);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const now = this.clock.now();
    let wait = 0;
    for (const k of this.dirty) wait = Math.max(wait, (this.lastEmit.get(k) ?? -Infinity) + this.intervalMs - now);
    // A key seen for the first time is reported at once; later changes wait out the interval.
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush(false);
    }, Math.max(0, Math.min(wait, this.intervalMs)));
  }

  private flush(force: boolean): void {
    const now = this.clock.now();
    for (const k of [...this.dirty]) {
      if (!force && now - (this.lastEmit.get(k) ?? -Infinity) < this.intervalMs) continue;
      this.dirty.delete(k);
      this.lastEmit.set(k, now);
      this.emit(this.event(this.counts.get(k)!));
    }
    if (this.dirty.size > 0) this.schedule();
  }
}

/** A Stream that reports each chunk's size both ways. */
export function countingStream(s: Stream, count: (sent: number, received: number) => void): Stream {
  const wrapped: Stream = {
    write(bytes) {
      const ok = s.write(bytes);
      if (ok) count(bytes.length, 0);
      return ok;
    },
    onData(cb) {
      s.onData((chunk) => {
        count(0, chunk.length);
        cb(chunk);
      });
    },
    onClose: (cb) => s.onClose(cb),
    close: () => s.close(),
    get closed() {
      return s.closed;
    },
  };
  if (s.pause !== undefined && s.resume !== undefined) {
    wrapped.pause = () => s.pause!();
    wrapped.resume = () => s.resume!();
  }
  return wrapped;
}

/** The engine's Acn: the same network, with every stream counted on `meter`. */
export function countingAcn(acn: Acn, meter: ByteMeter, scopeOf: ScopeOf): Acn {
  return {
    async listen(seed: Uint8Array, onion: OnionAddress): Promise<Listener> {
      const l = await acn.listen(seed, onion);
      return {
        onion: l.onion,
        onStream: (cb) => l.onStream((s) => cb(countingStream(s, (tx, rx) => meter.add('contact', INBOUND_KEY, tx, rx)))),
        close: () => l.close(),
      };
    },
    async dial(onion: OnionAddress, port?: number): Promise<Stream> {
      const s = await acn.dial(onion, port);
      const where = scopeOf(onion);
      return countingStream(s, (tx, rx) => meter.add(where.scope, where.key, tx, rx));
    },
    getBootstrapStatus: (): AcnStatus => acn.getBootstrapStatus(),
    setStatusCallback: (cb) => acn.setStatusCallback(cb),
    restart: () => acn.restart(),
    close: () => acn.close(),
  };
}
