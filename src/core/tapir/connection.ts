// One Tapir connection over an ACN stream: fixed-size packets, optional secretbox session, capabilities.
// Any short read, MAC failure or framing error closes it; callers see `null` from expect(), never an exception.
// docs/protocol.md §1.3–§1.4 (Go tapir Connection: Hostname, IsOutbound, Expect, Send, SetCapability, ...).

import type { CryptoBackend } from '../crypto/backend.js';
import type { OnionAddress } from '../crypto/onion.js';
import { TAPIR_QUEUE_HARD_CAP, TAPIR_QUEUE_HIGH_WATER } from '../limits.js';
import type { Stream } from '../net/acn.js';
import type { Random, Scheduler } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { FrameDecoder, PACKET_OPEN_SCRATCH, SealScratch, decodePacket, decodePacketInto, encodePlainPacket, encodeSealedInto, encodeSealedParts } from './framing.js';
import { concatBytes } from '../bytes.js';
import { NONCE_BYTES, PACKET_SIZE } from './wire-constants.js';

/** Why a connection closed: a stable code for tests and logs (never carries keys, text or addresses). */
export type CloseCode =
  | 'local'
  | 'peer-closed'
  | 'short-read'
  | 'tapir.length'
  | 'tapir.mac'
  | 'tapir.packet-size'
  | 'empty-message'
  | 'flood'
  | 'send-failed'
  | 'protocol'
  | 'deadline'
  | 'duplicate'
  | 'capacity'
  | 'missing-capability';

export interface ConnectionOptions {
  readonly outbound: boolean;
  /** Outbound connections know whom they dialled; inbound ones learn it from the auth app. */
  readonly hostname?: OnionAddress;
  readonly backend: CryptoBackend;
  readonly random: Random;
  /** Packets sent in one turn are written together at its end (a microtask). */
  readonly scheduler: Scheduler;
  /** Registry id; lower = older. */
  readonly id?: number;
  /** Nonces drawn from `random` per call (24 bytes each); batching saves a syscall per packet. Default 64. */
  readonly noncesPerDraw?: number;
}

interface Waiter {
  readonly resolve: (msg: Uint8Array | null) => void;
  /** expectView(): the message may be a view of the connection's reused open buffer. */
  readonly view: boolean;
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Most packets coalesced into one stream write (64 KiB). */
const WRITE_BATCH = 8;

export class Connection {
  readonly outbound: boolean;
  readonly id: number;
  private host: OnionAddress | null;
  private readonly caps = new Set<string>();
  private key: Uint8Array | null = null;
  private readonly decoder = new FrameDecoder();
  private readonly queue: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly closeCbs: ((code: CloseCode) => void)[] = [];
  private readonly capCbs: ((cap: string) => void)[] = [];
  private paused = false;
  private remoteEnded = false;
  private code: CloseCode | null = null;
  private readonly backend: CryptoBackend;
  private readonly random: Random;
  private readonly scheduler: Scheduler;
  private readonly scratch = new SealScratch();
  private readonly outbox: Uint8Array[] = [];
  /** Packets pending in outbox + batch. */
  private outboxPackets = 0;
  /** Sealed packets written in place (backends with secretboxSealInto): a fresh buffer per write, never reused. */
  private batch: Uint8Array | null = null;
  private batchPackets = 0;
  /**
   * Packets the next batch buffer holds: doubles (up to WRITE_BATCH) when a turn fills it and shrinks to what the
   * last turn used, so a lone handshake packet costs 8 KiB, not a zeroed 64 KiB buffer, and a stream writes 64 KiB.
   */
  private batchCap = 1;
  private nonces: Uint8Array = new Uint8Array(0);
  private nonceOff = 0;
  private readonly noncesPerDraw: number;
  /** Where expectView() opens packets (allocated on first use). */
  private openScratch: Uint8Array | null = null;

  constructor(
    private readonly stream: Stream,
    opts: ConnectionOptions,
  ) {
    this.outbound = opts.outbound;
    this.host = opts.hostname ?? null;
    this.id = opts.id ?? 0;
    this.backend = opts.backend;
    this.random = opts.random;
    this.scheduler = opts.scheduler;
    this.noncesPerDraw = Math.max(1, opts.noncesPerDraw ?? 64);
    stream.onData((chunk) => this.receive(chunk));
    stream.onClose(() => this.streamEnded());
  }

  get hostname(): OnionAddress | null {
    return this.host;
  }

  setHostname(h: OnionAddress): void {
    this.host = h;
  }

  hasCapability(cap: string): boolean {
    return this.caps.has(cap);
  }

  setCapability(cap: string): void {
    if (this.caps.has(cap) || this.closed) return;
    this.caps.add(cap);
    for (const cb of [...this.capCbs]) cb(cap);
  }

  /** Switch both directions to secretbox with this 32-byte session key, immediately. */
  setEncryptionKey(key: Uint8Array): void {
    if (key.length !== 32) throw new RangeError('session key must be 32 bytes');
    this.key = Uint8Array.from(key);
  }

  get encrypted(): boolean {
    return this.key !== null;
  }

  get closed(): boolean {
    return this.code !== null;
  }

  /** Why it closed, or null while open. */
  get closeCode(): CloseCode | null {
    return this.code;
  }

  /**
   * Send one message in one packet. Fails with `tapir.too-large` (nothing sent) past the payload limit, or
   * `tapir.closed`. A write failure closes the connection.
   */
  send(payload: Uint8Array): Result<void> {
    if (this.closed) return fail('tapir.closed', 'connection is closed');
    const { backend } = this;
    if (this.key !== null && backend.secretboxSealInto !== undefined) {
      // Sealed straight into the next write: no per-packet ciphertext array and no concatenation.
      this.batch ??= new Uint8Array(this.batchCap * PACKET_SIZE);
      const off = this.batchPackets * PACKET_SIZE;
      const r = encodeSealedInto(payload, this.key, this.nextNonce(), backend, this.scratch, this.batch.subarray(off, off + PACKET_SIZE));
      if (!r.ok) return r;
      this.batchPackets++;
      const queued = this.queued();
      if (this.batch !== null && this.batchPackets * PACKET_SIZE === this.batch.length) {
        this.batchCap = Math.min(WRITE_BATCH, this.batchCap * 2);
        this.flush();
      }
      return queued;
    }
    const packet =
      this.key === null
        ? encodePlainPacket(payload)
        : encodeSealedParts(payload, this.key, this.nextNonce(), this.backend, this.scratch);
    if (!packet.ok) return packet;
    // Packets sent in one turn go out as one write (one syscall instead of one per 8 KiB).
    if (packet.value instanceof Uint8Array) this.outbox.push(packet.value);
    else this.outbox.push(...packet.value);
    return this.queued();
  }

  private queued(): Result<void> {
    this.outboxPackets++;
    if (this.outboxPackets >= WRITE_BATCH) this.flush();
    else if (this.outboxPackets === 1) this.scheduler.defer(() => this.flush());
    return ok(undefined);
  }

  /** A fresh random nonce; nonces are drawn in batches and each is used once. */
  private nextNonce(): Uint8Array {
    if (this.nonceOff >= this.nonces.length) {
      this.nonces = this.random.bytes(NONCE_BYTES * this.noncesPerDraw);
      this.nonceOff = 0;
    }
    const n = this.nonces.subarray(this.nonceOff, this.nonceOff + NONCE_BYTES);
    this.nonceOff += NONCE_BYTES;
    return n;
  }

  private flush(): void {
    if (this.closed) return;
    // Plain packets can only precede sealed ones (the key is never unset), so the outbox goes first.
    if (this.outbox.length > 0) {
      const bytes = this.outbox.length === 1 ? this.outbox[0]! : concatBytes(...this.outbox);
      this.outbox.length = 0;
      if (!this.stream.write(bytes)) return this.close('send-failed');
    }
    if (this.batch !== null && this.batchPackets > 0) {
      if (this.batchPackets * PACKET_SIZE < this.batch.length) this.batchCap = this.batchPackets;
      const bytes = this.batch.subarray(0, this.batchPackets * PACKET_SIZE);
      this.batch = null;
      this.batchPackets = 0;
      if (!this.stream.write(bytes)) return this.close('send-failed');
    }
    this.outboxPackets = 0;
  }

  /** Bytes sent but not yet taken by the transport (0 when the stream cannot tell). */
  get bufferedBytes(): number {
    return this.stream.bufferedBytes?.() ?? 0;
  }

  /**
   * Hand what is queued to the stream and resolve once the transport has taken it (at once when the stream has no
   * outbound flow control, or the connection is closed). For senders that produce a lot: wait past a high-water
   * mark instead of buffering without bound for a peer that stopped reading.
   */
  drained(): Promise<void> {
    this.flush();
    const { stream } = this;
    if (this.closed || stream.onDrain === undefined) return Promise.resolve();
    return new Promise((resolve) => stream.onDrain!(resolve));
  }

  /** The next message, or null once the connection is closed (for any reason). Never rejects. */
  expect(): Promise<Uint8Array | null> {
    return this.next(false);
  }

  /**
   * expect(), but the message may be a view of a buffer this connection reuses: valid only until the next
   * expect()/expectView() call. For one sequential reader that decodes each message before asking for the next
   * (the token board's replay: saves allocating and collecting 8 KiB per packet).
   */
  expectView(): Promise<Uint8Array | null> {
    return this.next(true);
  }

  /**
   * expectView() without waiting: the next message if one is already received, null once closed, undefined when
   * nothing is ready. A reader drains what one socket chunk brought (up to 8 packets) synchronously and awaits only
   * when the queue is empty, instead of a promise and a microtask hop per packet.
   */
  pollView(): Uint8Array | null | undefined {
    return this.waiters.length > 0 ? undefined : this.take(true);
  }

  private next(view: boolean): Promise<Uint8Array | null> {
    const next = this.take(view);
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push({ resolve, view }));
  }

  /** Called once with the close code (at once if already closed). Returns an unsubscribe function. */
  onClose(cb: (code: CloseCode) => void): () => void {
    if (this.code !== null) {
      cb(this.code);
      return () => {};
    }
    this.closeCbs.push(cb);
    return () => remove(this.closeCbs, cb);
  }

  /** Called for each capability granted from now on. Returns an unsubscribe function. */
  onCapability(cb: (cap: string) => void): () => void {
    this.capCbs.push(cb);
    return () => remove(this.capCbs, cb);
  }

  close(code: CloseCode = 'local'): void {
    if (this.code !== null) return;
    if (code === 'local') this.flush();
    this.outbox.length = 0;
    this.outboxPackets = 0;
    this.batch = null;
    this.batchPackets = 0;
    this.code = code;
    this.queue.length = 0;
    if (this.key !== null) this.key.fill(0);
    this.openScratch?.fill(0);
    this.stream.close();
    for (const w of this.waiters.splice(0)) w.resolve(null);
    for (const cb of this.closeCbs.splice(0)) cb(code);
    this.capCbs.length = 0;
  }

  /** A decoded message, null when closed, undefined when nothing is ready yet. */
  private take(view: boolean): Uint8Array | null | undefined {
    if (this.closed) return null;
    const packet = this.queue.shift();
    if (packet === undefined) {
      if (this.remoteEnded) {
        this.close(this.decoder.pending > 0 ? 'short-read' : 'peer-closed');
        return null;
      }
      return undefined;
    }
    this.flowControl();
    // Decoded at read time, not arrival time: the key may have been set in between (auth app).
    const msg = view ? decodePacketInto(packet, this.key, this.backend, (this.openScratch ??= new Uint8Array(PACKET_OPEN_SCRATCH))) : decodePacket(packet, this.key, this.backend);
    if (!msg.ok) {
      this.close(msg.error.code as CloseCode);
      return null;
    }
    // Go apps read an empty message as "connection gone" (docs/protocol.md §1.4).
    if (msg.value.length === 0) {
      this.close('empty-message');
      return null;
    }
    return msg.value;
  }

  private receive(chunk: Uint8Array): void {
    if (this.closed) return;
    for (const p of this.decoder.push(chunk)) this.queue.push(p);
    this.flowControl();
    this.serveWaiters();
  }

  private streamEnded(): void {
    this.remoteEnded = true;
    // Whole packets already received stay readable (like Go reading buffered data before EOF).
    if (this.queue.length === 0) this.close(this.decoder.pending > 0 ? 'short-read' : 'peer-closed');
    else this.serveWaiters();
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0) {
      const m = this.take(this.waiters[0]!.view);
      if (m === undefined) return;
      // close() may already have released the waiters when m is null.
      this.waiters.shift()?.resolve(m);
    }
  }

  private flowControl(): void {
    if (this.closed) return;
    const n = this.queue.length;
    if (this.stream.pause !== undefined && this.stream.resume !== undefined) {
      if (!this.paused && n >= TAPIR_QUEUE_HIGH_WATER) {
        this.paused = true;
        this.stream.pause();
      } else if (this.paused && n <= TAPIR_QUEUE_HIGH_WATER / 2) {
        this.paused = false;
        this.stream.resume();
      }
    }
    if (n > TAPIR_QUEUE_HARD_CAP) this.close('flood');
  }
}
