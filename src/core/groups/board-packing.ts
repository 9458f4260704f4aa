// Packed replay (docs/sync-extension.md), a cwtch-tui extension: after a ReplayResult that confirmed "Packing":1,
// the server sends the announced EGMs as one stream of binary entries cut into packets, instead of one raw EGM JSON
// per 8192-byte packet. An entry is u16 ciphertext length (big-endian) ‖ signature (64) ‖ ciphertext; a packed
// packet is PACKED_TAG ‖ the next bytes of the stream. Live pushes use the same packets, each holding whole entries.
// Binary rather than JSON: base64 would cost a third more bytes, and the client decodes no base64 at all.

import {
  PACKED_LENGTH_BYTES,
  PACKED_MAX_CIPHERTEXT_BYTES,
  PACKED_MAX_ENTRY_BYTES,
  PACKED_MAX_PAYLOAD,
  PACKED_SIGNATURE_BYTES,
} from '../limits.js';
import { fail, ok, type Result } from '../result.js';
import type { EncryptedGroupMessage } from './board-messages.js';

/**
 * First byte of every packed packet. A board message or raw EGM is JSON and starts with '{'; NUL starts no JSON
 * text, so a client that did not ask for packing refuses such a packet as malformed, as it refuses any garbage.
 */
export const PACKED_TAG = 0x00;

const HEAD = PACKED_LENGTH_BYTES + PACKED_SIGNATURE_BYTES;

/** Whether a stored row can be an entry (our board stores only these; anything else goes as a raw EGM). */
export function packable(signatureBytes: number, ciphertextBytes: number): boolean {
  return signatureBytes === PACKED_SIGNATURE_BYTES && ciphertextBytes >= 1 && ciphertextBytes <= PACKED_MAX_CIPHERTEXT_BYTES;
}

/**
 * Writes entries into packets of at most PACKED_MAX_PAYLOAD bytes and hands each to `emit` as it fills. The packet
 * is a view of one reused buffer, valid only during the emit call (Connection.send copies it). `emit` returns false
 * once the connection is gone; every method then returns false.
 */
export class PackedStreamWriter {
  private readonly buf = new Uint8Array(PACKED_MAX_PAYLOAD);
  private readonly head = new Uint8Array(PACKED_LENGTH_BYTES);
  private fill = 1;

  constructor(private readonly emit: (packet: Uint8Array) => boolean) {
    this.buf[0] = PACKED_TAG;
  }

  /**
   * Replay: the entry for signature sig[s0, s0 + 64) and ciphertext ct[c0, c1), continued in the next packet when
   * this one fills (so no packet space is left unused). Throws on a row that is not packable (a caller bug).
   */
  add(sig: Uint8Array, s0: number, ct: Uint8Array, c0: number, c1: number): boolean {
    if (!packable(PACKED_SIGNATURE_BYTES, c1 - c0) || s0 + PACKED_SIGNATURE_BYTES > sig.length) throw new RangeError('packing: not a packable row');
    this.head[0] = (c1 - c0) >> 8;
    this.head[1] = (c1 - c0) & 0xff;
    return this.put(this.head, 0, PACKED_LENGTH_BYTES) && this.put(sig, s0, s0 + PACKED_SIGNATURE_BYTES) && this.put(ct, c0, c1);
  }

  /** Live: as add, but an entry that would not fit the rest of this packet starts the next one (packets stand alone). */
  addWhole(egm: EncryptedGroupMessage): boolean {
    if (this.fill + HEAD + egm.ciphertext.length > this.buf.length && !this.flush()) return false;
    return this.add(egm.signature, 0, egm.ciphertext, 0, egm.ciphertext.length);
  }

  /** Emits the packet being filled, if it holds anything. */
  flush(): boolean {
    if (this.fill === 1) return true;
    const n = this.fill;
    this.fill = 1;
    return this.emit(this.buf.subarray(0, n));
  }

  private put(src: Uint8Array, from: number, to: number): boolean {
    const cap = this.buf.length;
    while (from < to) {
      const n = Math.min(to - from, cap - this.fill);
      this.buf.set(src.subarray(from, from + n), this.fill);
      this.fill += n;
      from += n;
      if (this.fill === cap && !this.flush()) return false;
    }
    return true;
  }
}

/**
 * Reads a packed stream of `announced` entries, one packet at a time, handing each completed entry to `onEgm` in
 * stream order. The signature is always a fresh array; the ciphertext is a fresh array unless `copy` is false, when
 * it is a view (of the packet, or of this reader's buffer for an entry that spanned packets) valid only during the
 * onEgm call. Any violation is an error value: the caller closes the connection, and entries before it in the same
 * packet have been delivered (as raw EGMs before a bad packet are, in a plain replay).
 */
export class PackedStreamReader {
  /** An entry that began in an earlier packet: its bytes so far. */
  private readonly part = new Uint8Array(PACKED_MAX_ENTRY_BYTES);
  private have = 0;
  private left: number;

  constructor(
    announced: number,
    private readonly copy: boolean,
  ) {
    this.left = announced;
  }

  /** Entries still to come. */
  get remaining(): number {
    return this.left;
  }

  /** No entry is half-read. */
  get atBoundary(): boolean {
    return this.have === 0;
  }

  /** One packed packet of the stream. */
  read(p: Uint8Array, onEgm: (egm: EncryptedGroupMessage) => void): Result<number> {
    if (p.length < 2 || p[0] !== PACKED_TAG) return fail('board.packed', 'not a packed packet, or an empty one');
    if (p.length > PACKED_MAX_PAYLOAD) return fail('board.packed', 'a packed packet longer than a packet holds');
    const end = p.length;
    let at = 1;
    let n = 0;
    while (at < end) {
      if (this.left === 0) return fail('board.packed-count', 'more messages than the replay announced');
      if (this.have === 0 && end - at >= PACKED_LENGTH_BYTES) {
        const len = (p[at]! << 8) | p[at + 1]!;
        if (len < 1 || len > PACKED_MAX_CIPHERTEXT_BYTES) return fail('board.packed-size', 'an entry with an impossible ciphertext length');
        const stop = at + HEAD + len;
        if (stop <= end) {
          this.emit(p, at, stop, onEgm);
          at = stop;
          n++;
          continue;
        }
      }
      // The entry continues past this packet (or its length does): keep what is here.
      if (this.have < PACKED_LENGTH_BYTES) {
        const k = Math.min(PACKED_LENGTH_BYTES - this.have, end - at);
        this.part.set(p.subarray(at, at + k), this.have);
        this.have += k;
        at += k;
        if (this.have < PACKED_LENGTH_BYTES) break;
      }
      const len = (this.part[0]! << 8) | this.part[1]!;
      if (len < 1 || len > PACKED_MAX_CIPHERTEXT_BYTES) return fail('board.packed-size', 'an entry with an impossible ciphertext length');
      const total = HEAD + len;
      const k = Math.min(total - this.have, end - at);
      this.part.set(p.subarray(at, at + k), this.have);
      this.have += k;
      at += k;
      if (this.have === total) {
        this.have = 0;
        this.emit(this.part, 0, total, onEgm);
        n++;
      }
    }
    return ok(n);
  }

  /** A live packet: whole entries only (a live push stands alone, so an entry cut at its end is refused). */
  readWhole(p: Uint8Array, onEgm: (egm: EncryptedGroupMessage) => void): Result<number> {
    if (!this.atBoundary) return fail('board.packed-partial', 'a live packet after a cut entry');
    const r = this.read(p, onEgm);
    return r.ok && !this.atBoundary ? fail('board.packed-partial', 'a live packet that ends inside an entry') : r;
  }

  /** A raw EGM packet inside a packed replay: allowed only between entries, and counted against the announcement. */
  takeRaw(): Result<void> {
    if (this.have !== 0) return fail('board.packed-partial', 'a raw message inside a packed entry');
    if (this.left === 0) return fail('board.packed-count', 'more messages than the replay announced');
    this.left--;
    return ok(undefined);
  }

  private emit(b: Uint8Array, start: number, stop: number, onEgm: (egm: EncryptedGroupMessage) => void): void {
    this.left--;
    const c0 = start + HEAD;
    onEgm({ signature: b.slice(start + PACKED_LENGTH_BYTES, c0), ciphertext: this.copy ? b.slice(c0, stop) : b.subarray(c0, stop) });
  }
}

/** The packets a replay of `egms` sends (copies of the writer's views). Tests, fuzzing and the bench use it. */
export function encodePackedStream(egms: readonly EncryptedGroupMessage[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const w = new PackedStreamWriter((p) => out.push(p.slice()) > 0);
  for (const e of egms) w.add(e.signature, 0, e.ciphertext, 0, e.ciphertext.length);
  w.flush();
  return out;
}

/** The live packets for `egms`: whole entries, as few packets as fit them. */
export function encodePackedLive(egms: readonly EncryptedGroupMessage[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const w = new PackedStreamWriter((p) => out.push(p.slice()) > 0);
  for (const e of egms) w.addWhole(e);
  w.flush();
  return out;
}

/** A whole replay's packed packets → exactly `announced` EGMs, or the first violation (no entry may be left unread). */
export function decodePackedStream(packets: readonly Uint8Array[], announced: number): Result<EncryptedGroupMessage[]> {
  const r = new PackedStreamReader(announced, true);
  const got: EncryptedGroupMessage[] = [];
  for (const p of packets) {
    const step = r.read(p, (e) => got.push(e));
    if (!step.ok) return step;
  }
  return r.remaining === 0 ? ok(got) : fail('board.packed-count', 'fewer messages than the replay announced');
}
