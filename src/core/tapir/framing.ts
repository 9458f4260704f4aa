// Tapir packets: fixed 8192 bytes, length prefix + data + zero padding; secretbox-sealed once a session key is
// set. docs/protocol.md §1.2–§1.4. Decoders return results and never throw on hostile bytes.

import { concatBytes } from '../bytes.js';
import { SECRETBOX_TAG_BYTES, type CryptoBackend } from '../crypto/backend.js';
import { fail, ok, type Result } from '../result.js';
import {
  MAX_ENCRYPTED_PAYLOAD,
  MAX_PLAINTEXT_PAYLOAD,
  NONCE_BYTES,
  PACKET_SIZE,
  SEALED_REGION,
  decodeLengthPrefix,
  encodeLengthPrefix,
} from './wire-constants.js';

/** Write `len | data | zeros` into a fresh buffer of `size` bytes (caller checked the limit). */
function frame(payload: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(encodeLengthPrefix(payload.length)!, 0);
  out.set(payload, 2);
  return out;
}

/** An unencrypted 8192-byte packet; refuses payloads over MAX_PLAINTEXT_PAYLOAD (nothing is sent). */
export function encodePlainPacket(payload: Uint8Array): Result<Uint8Array> {
  if (payload.length > MAX_PLAINTEXT_PAYLOAD) return fail('tapir.too-large', `payload over ${MAX_PLAINTEXT_PAYLOAD} bytes`);
  return ok(frame(payload, PACKET_SIZE));
}

/** Reusable plaintext region for sealing: framed in place, so the hot path allocates only what the cipher returns. */
export class SealScratch {
  readonly region = new Uint8Array(SEALED_REGION);
  private used = 0;

  frame(payload: Uint8Array): Uint8Array {
    const end = 2 + payload.length;
    this.region.set(encodeLengthPrefix(payload.length)!, 0);
    this.region.set(payload, 2);
    // Zero only what the previous message left behind the new one.
    if (this.used > end) this.region.fill(0, end, this.used);
    this.used = end;
    return this.region;
  }
}

/**
 * A sealed packet as its two wire parts [nonce, tag ‖ secretbox(first 8152 bytes of the plaintext packet)],
 * 24 + 8168 = 8192 bytes, so a writer can gather them without another copy.
 */
export function encodeSealedParts(
  payload: Uint8Array,
  key: Uint8Array,
  nonce: Uint8Array,
  backend: CryptoBackend,
  scratch?: SealScratch,
): Result<readonly [Uint8Array, Uint8Array]> {
  // Go would silently truncate a longer message; we refuse it instead (docs/protocol.md §1.2).
  if (payload.length > MAX_ENCRYPTED_PAYLOAD) return fail('tapir.too-large', `payload over ${MAX_ENCRYPTED_PAYLOAD} bytes`);
  if (nonce.length !== NONCE_BYTES) throw new RangeError('nonce must be 24 bytes');
  const region = scratch === undefined ? frame(payload, SEALED_REGION) : scratch.frame(payload);
  return ok([nonce, backend.secretboxSeal(region, nonce, key)]);
}

/**
 * A sealed packet written into `out` (one PACKET_SIZE view of a write batch) with the backend's secretboxSealInto,
 * which the caller checked exists (a RangeError otherwise): the same bytes as encodeSealedParts without allocating per packet.
 */
export function encodeSealedInto(
  payload: Uint8Array,
  key: Uint8Array,
  nonce: Uint8Array,
  backend: CryptoBackend,
  scratch: SealScratch,
  out: Uint8Array,
): Result<void> {
  if (payload.length > MAX_ENCRYPTED_PAYLOAD) return fail('tapir.too-large', `payload over ${MAX_ENCRYPTED_PAYLOAD} bytes`);
  if (nonce.length !== NONCE_BYTES) throw new RangeError('nonce must be 24 bytes');
  if (out.length !== PACKET_SIZE) throw new RangeError('a packet is 8192 bytes');
  if (backend.secretboxSealInto === undefined) throw new RangeError('the backend cannot seal in place');
  out.set(nonce, 0);
  backend.secretboxSealInto(out.subarray(NONCE_BYTES), scratch.frame(payload), nonce, key);
  return ok(undefined);
}

/** A sealed packet nonce ‖ tag ‖ secretbox(first 8152 bytes of the plaintext packet) = 8192 bytes. */
export function encodeSealedPacket(
  payload: Uint8Array,
  key: Uint8Array,
  nonce: Uint8Array,
  backend: CryptoBackend,
): Result<Uint8Array> {
  const parts = encodeSealedParts(payload, key, nonce, backend);
  return parts.ok ? ok(concatBytes(...parts.value)) : parts;
}

/** Parse `len | data` out of a plaintext region; a length that does not fit is a framing error. */
function unframe(region: Uint8Array): Result<Uint8Array> {
  const len = decodeLengthPrefix(region[0]!, region[1]!);
  // Go reads length+2 ≥ 8192 as empty ("closed"); in the shorter sealed region we also refuse overruns.
  if (len === null || len + 2 > region.length || len + 2 >= PACKET_SIZE) {
    return fail('tapir.length', 'length field does not fit the packet');
  }
  return ok(region.subarray(2, 2 + len));
}

/** Decode one 8192-byte packet, opening it with `key` when a session key is set. */
export function decodePacket(packet: Uint8Array, key: Uint8Array | null, backend: CryptoBackend): Result<Uint8Array> {
  if (packet.length !== PACKET_SIZE) return fail('tapir.packet-size', 'packet is not 8192 bytes');
  if (key === null) return unframe(packet);
  const opened = backend.secretboxOpen(packet.subarray(NONCE_BYTES), packet.subarray(0, NONCE_BYTES), key);
  if (opened === null || opened.length !== SEALED_REGION) return fail('tapir.mac', 'packet failed authentication');
  return unframe(opened);
}

/** The Poly1305 key is the first 32 bytes of a secretbox's keystream; its plaintext is XORed with what follows. */
const POLY_KEY_BYTES = 32;

/** A scratch this large lets decodePacketInto decrypt only the message, not the packet's padding. */
export const PACKET_OPEN_SCRATCH = POLY_KEY_BYTES + SEALED_REGION;

/**
 * decodePacket for a backend with the raw secretbox halves: the MAC is checked over the whole sealed region as
 * crypto_secretbox_open does, but only `len | data` is decrypted, not the zero padding behind it (which nothing
 * reads; Go decrypts and ignores it). A 3.6 KiB group message in an 8 KiB packet: 5.8 -> 4.4 µs (sodium-native).
 * The message is a view of `scratch` (PACKET_OPEN_SCRATCH bytes).
 */
function openPacketPrefix(packet: Uint8Array, key: Uint8Array, backend: CryptoBackend, scratch: Uint8Array): Result<Uint8Array> {
  const nonce = packet.subarray(0, NONCE_BYTES);
  const tag = packet.subarray(NONCE_BYTES, NONCE_BYTES + SECRETBOX_TAG_BYTES);
  const box = packet.subarray(NONCE_BYTES + SECRETBOX_TAG_BYTES);
  // Keystream block 0: the Poly1305 key, then the first 32 plaintext bytes (the length prefix among them).
  const head = scratch.subarray(0, 2 * POLY_KEY_BYTES);
  head.fill(0, 0, POLY_KEY_BYTES);
  head.set(box.subarray(0, POLY_KEY_BYTES), POLY_KEY_BYTES);
  backend.xsalsa20XorInPlace!(head, nonce, key);
  const authentic = backend.poly1305Verify!(tag, box, head.subarray(0, POLY_KEY_BYTES));
  if (!authentic) {
    head.fill(0);
    return fail('tapir.mac', 'packet failed authentication');
  }
  const len = decodeLengthPrefix(head[POLY_KEY_BYTES]!, head[POLY_KEY_BYTES + 1]!);
  // The same bounds as unframe() over the whole region.
  if (len === null || len + 2 > SEALED_REGION || len + 2 >= PACKET_SIZE) {
    head.fill(0);
    return fail('tapir.length', 'length field does not fit the packet');
  }
  const end = POLY_KEY_BYTES + 2 + len;
  if (end > head.length) {
    const body = scratch.subarray(0, end);
    body.fill(0, 0, POLY_KEY_BYTES);
    body.set(box.subarray(0, end - POLY_KEY_BYTES), POLY_KEY_BYTES);
    backend.xsalsa20XorInPlace!(body, nonce, key);
  }
  // The one-time key is spent; it does not stay in a long-lived buffer.
  scratch.fill(0, 0, POLY_KEY_BYTES);
  return ok(scratch.subarray(POLY_KEY_BYTES + 2, end));
}

/**
 * decodePacket, opened into `scratch` when the backend can: the message is then a view of `scratch`, valid until it
 * is reused. With PACKET_OPEN_SCRATCH bytes and a backend with the raw secretbox halves the whole region is
 * authenticated and only the message decrypted (openPacketPrefix); otherwise it is decodePacket.
 */
export function decodePacketInto(packet: Uint8Array, key: Uint8Array | null, backend: CryptoBackend, scratch: Uint8Array): Result<Uint8Array> {
  if (key === null) return decodePacket(packet, key, backend);
  if (packet.length !== PACKET_SIZE) return fail('tapir.packet-size', 'packet is not 8192 bytes');
  if (scratch.length >= PACKET_OPEN_SCRATCH && backend.xsalsa20XorInPlace !== undefined && backend.poly1305Verify !== undefined) {
    return openPacketPrefix(packet, key, backend, scratch);
  }
  return decodePacket(packet, key, backend);
}

/**
 * Accumulates arbitrary chunks and yields exactly-8192-byte packets. Holds at most one partial packet.
 * Whole packets inside a chunk are returned as views of it, so callers must not reuse a pushed chunk.
 */
export class FrameDecoder {
  private partial: Uint8Array | null = null;
  private filled = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    if (this.partial !== null) {
      const take = Math.min(PACKET_SIZE - this.filled, chunk.length);
      this.partial.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      off = take;
      if (this.filled < PACKET_SIZE) return out;
      out.push(this.partial);
      this.partial = null;
      this.filled = 0;
    }
    while (chunk.length - off >= PACKET_SIZE) {
      out.push(chunk.subarray(off, off + PACKET_SIZE));
      off += PACKET_SIZE;
    }
    if (off < chunk.length) {
      this.partial = new Uint8Array(PACKET_SIZE);
      this.partial.set(chunk.subarray(off), 0);
      this.filled = chunk.length - off;
    }
    return out;
  }

  /** Bytes of an incomplete packet held (a short read if the stream ends now). */
  get pending(): number {
    return this.filled;
  }
}
