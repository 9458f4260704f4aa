// An in-memory network for tests and benchmarks: ACN instances that listen and dial each other by onion,
// with knobs to split writes into tiny chunks or delay delivery so framing and timeouts get exercised.

import { TransportError } from '../errors.js';
import type { OnionAddress } from '../crypto/onion.js';
import type { Clock, Scheduler } from '../ports.js';
import { alwaysReady, type Acn, type Listener, type Stream } from './acn.js';

export interface MemoryLinkOptions {
  /** Where deliveries (without latency) and drain callbacks run: the next microtask. */
  readonly scheduler: Scheduler;
  /** Deliver every write in chunks of at most this many bytes (1 = byte at a time). Default: whole writes. */
  readonly chunkSize?: number;
  /** Delay each delivery by `ms` on `clock` (a fake clock in tests). Default: next microtask (`scheduler`). */
  readonly latency?: { readonly clock: Clock; readonly ms: number };
}


/** One end of an in-memory duplex pipe. Writes are copied, so writers may reuse their buffers. */
class MemoryStream implements Stream {
  peer!: MemoryStream;
  private dataCb: ((chunk: Uint8Array) => void) | null = null;
  private closeCb: ((reason?: string) => void) | null = null;
  private readonly inbox: Uint8Array[] = [];
  /** Bytes in the inbox, and writers waiting for it to empty (the writer's view of "buffered"). */
  private inboxBytes = 0;
  private drainWaiters: (() => void)[] = [];
  private paused = false;
  private scheduled = false;
  private remoteEnded = false;
  private closeReason: string | undefined;
  private closeDelivered = false;
  closed = false;

  constructor(private readonly opts: MemoryLinkOptions) {}

  write(bytes: Uint8Array): boolean {
    if (this.closed || this.peer.closed) return false;
    const size = this.opts.chunkSize ?? bytes.length;
    const copy = Uint8Array.from(bytes);
    if (size >= copy.length || size <= 0) this.peer.enqueue(copy);
    else for (let o = 0; o < copy.length; o += size) this.peer.enqueue(copy.subarray(o, o + size));
    return true;
  }

  onData(cb: (chunk: Uint8Array) => void): void {
    this.dataCb = cb;
    this.schedule();
  }

  onClose(cb: (reason?: string) => void): void {
    this.closeCb = cb;
    this.maybeDeliverClose();
  }

  close(): void {
    this.shutdown('closed locally');
    this.peer.remoteEnd();
  }

  pause(): void {
    this.paused = true;
  }

  bufferedBytes(): number {
    return this.peer.inboxBytes;
  }

  onDrain(cb: () => void): void {
    if (this.closed || this.peer.closed || this.peer.inboxBytes === 0) this.opts.scheduler.defer(cb);
    else this.peer.drainWaiters.push(cb);
  }

  private wakeWriters(): void {
    if (this.drainWaiters.length === 0) return;
    const ws = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of ws) w();
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  private enqueue(chunk: Uint8Array): void {
    if (this.closed) return;
    this.inbox.push(chunk);
    this.inboxBytes += chunk.length;
    this.schedule();
  }

  /** The other side closed: deliver what it already wrote (like a TCP FIN), then close. */
  private remoteEnd(): void {
    this.remoteEnded = true;
    this.schedule();
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.wakeWriters();
    this.maybeDeliverClose();
  }

  private maybeDeliverClose(): void {
    if (!this.closed || this.closeDelivered || this.closeCb === null) return;
    this.closeDelivered = true;
    this.closeCb(this.closeReason);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.drain();
    };
    const lat = this.opts.latency;
    if (lat !== undefined) lat.clock.setTimeout(run, lat.ms);
    else this.opts.scheduler.defer(run);
  }

  private drain(): void {
    // One chunk per turn so a one-byte-at-a-time link really interleaves with the reader.
    if (this.closed) return;
    // Nobody reads this end: a remote close still closes it (unread data is dropped, as with a reset).
    if (this.dataCb === null) {
      if (this.remoteEnded) this.shutdown('closed by peer');
      return;
    }
    if (this.paused) return;
    const chunk = this.inbox.shift();
    if (chunk !== undefined) {
      this.inboxBytes -= chunk.length;
      if (this.inboxBytes === 0) this.wakeWriters();
      this.dataCb(chunk);
      if (this.inbox.length > 0 || this.remoteEnded) this.schedule();
      return;
    }
    if (this.remoteEnded) this.shutdown('closed by peer');
  }
}

/** A connected pair of in-memory streams (dialer end, listener end). */
export function memoryStreamPair(opts: MemoryLinkOptions): [Stream, Stream] {
  const a = new MemoryStream(opts);
  const b = new MemoryStream(opts);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryListener implements Listener {
  private cb: ((s: Stream) => void) | null = null;
  private readonly backlog: Stream[] = [];
  closed = false;

  constructor(
    readonly onion: OnionAddress,
    private readonly unregister: () => void,
  ) {}

  onStream(cb: (s: Stream) => void): void {
    this.cb = cb;
    for (const s of this.backlog.splice(0)) cb(s);
  }

  accept(s: Stream): void {
    if (this.cb === null) this.backlog.push(s);
    else this.cb(s);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unregister();
    for (const s of this.backlog.splice(0)) s.close();
  }
}

/** A shared in-memory network. Each `acn()` is one node; nodes reach each other's listeners by onion. */
export class MemoryNetwork {
  private readonly listeners = new Map<OnionAddress, MemoryListener>();

  constructor(private readonly opts: MemoryLinkOptions) {}

  acn(): Acn {
    const { listeners, opts } = this;
    const mine = new Set<MemoryListener>();
    let closed = false;
    return {
      async listen(_seed: Uint8Array, onion: OnionAddress): Promise<Listener> {
        if (closed) throw new TransportError('acn.closed', 'the network is closed');
        if (listeners.has(onion)) throw new TransportError('acn.in-use', 'that onion service is already published');
        const l = new MemoryListener(onion, () => {
          if (listeners.get(onion) === l) listeners.delete(onion);
          mine.delete(l);
        });
        listeners.set(onion, l);
        mine.add(l);
        return l;
      },
      async dial(onion: OnionAddress): Promise<Stream> {
        if (closed) throw new TransportError('acn.closed', 'the network is closed');
        const l = listeners.get(onion);
        if (l === undefined) throw new TransportError('acn.unreachable', 'the peer is not online');
        const [mineEnd, theirs] = memoryStreamPair(opts);
        l.accept(theirs);
        return mineEnd;
      },
      ...alwaysReady('in-memory network'),
      async close(): Promise<void> {
        closed = true;
        for (const l of [...mine]) await l.close();
      },
    };
  }
}
