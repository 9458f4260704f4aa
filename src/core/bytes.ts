// Byte helpers shared by every layer. Uint8Array only (no Buffer) so src/core stays runtime-neutral.

const HEX = '0123456789abcdef';

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

/** Strict hex decode: even length, [0-9a-fA-F] only; returns null on anything else. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** B64_INDEX over every byte value (-1 for all but the 64 digits), for decoding straight from bytes. */
const B64_BYTE_INDEX = (() => {
  const t = new Int32Array(256).fill(-1);
  t.set(B64_INDEX.subarray(0, 128));
  return t;
})();

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
/** Two output characters per 12 input bits (4096 entries each): half the lookups of one per 6 bits. */
const B64_PAIR_HI = Uint8Array.from({ length: 4096 }, (_, i) => B64_CODES[i >> 6]!);
const B64_PAIR_LO = Uint8Array.from({ length: 4096 }, (_, i) => B64_CODES[i & 63]!);
// Output is pure ASCII, so any single-byte decoder maps it 1:1.
const ASCII = new TextDecoder('latin1');

/** Standard base64 with padding (Go's base64.StdEncoding). */
export function toBase64(b: Uint8Array): string {
  // Written into a byte buffer and decoded once: string concatenation per character was the hot spot of
  // posting 4.5 KiB group messages.
  const out = new Uint8Array(base64Length(b.length));
  base64EncodeInto(b, out, 0);
  return ASCII.decode(out);
}

/** Length of the padded standard base64 of `n` bytes. */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/**
 * Padded standard base64 of `b` as ASCII bytes written into `out` at `off`; returns the offset after it. For
 * encoders that build a whole message in one buffer (the token board's replay path) without a string round trip.
 */
export function base64EncodeInto(b: Uint8Array, out: Uint8Array, off: number): number {
  let i = 0;
  let o = off;
  // 12 bits per lookup pair: 2.1 -> 1.4 µs for a 2.6 KiB ciphertext (the board server encodes one per replayed message).
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    const hi = n >> 12;
    const lo = n & 4095;
    out[o] = B64_PAIR_HI[hi]!;
    out[o + 1] = B64_PAIR_LO[hi]!;
    out[o + 2] = B64_PAIR_HI[lo]!;
    out[o + 3] = B64_PAIR_LO[lo]!;
    o += 4;
  }
  const rem = b.length - i;
  if (rem > 0) {
    const n = (b[i]! << 16) | (rem === 2 ? b[i + 1]! << 8 : 0);
    out[o++] = B64_CODES[n >> 18]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = rem === 2 ? B64_CODES[(n >> 6) & 63]! : 61;
    out[o++] = 61;
  }
  return o;
}

/**
 * fromBase64 over ASCII bytes `src[start, end)` instead of a string (same strict rules), so a decoder can read
 * base64 straight out of a received packet. Null on anything fromBase64 would refuse.
 */
export function fromBase64Bytes(src: Uint8Array, start: number, end: number): Uint8Array | null {
  const n = base64DecodedLength(src, start, end);
  if (n < 0) return null;
  const out = new Uint8Array(n);
  return fromBase64BytesInto(src, start, end, out, 0) < 0 ? null : out;
}

/** Bytes that the base64 in `src[start, end)` decodes to (from its length and padding), or -1 if that is not a multiple of 4. */
export function base64DecodedLength(src: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 0 || len % 4 !== 0 || start < 0 || end > src.length) return -1;
  const pad = len > 0 && src[end - 1] === 61 ? (src[end - 2] === 61 ? 2 : 1) : 0;
  return (len / 4) * 3 - pad;
}

/**
 * fromBase64Bytes decoding into `out` at `off` (for a decoder that reuses one buffer instead of allocating per
 * message): returns the number of bytes written, or -1 (out unchanged or partly written) on anything
 * fromBase64Bytes refuses or when `out` has no room.
 */
export function fromBase64BytesInto(src: Uint8Array, start: number, end: number, out: Uint8Array, off: number): number {
  const size = base64DecodedLength(src, start, end);
  if (size < 0 || off < 0 || off + size > out.length) return -1;
  const pad = (end - start) / 4 * 3 - size;
  const full = end - (pad > 0 ? 4 : 0);
  let o = off;
  for (let i = start; i < full; i += 4) {
    // Any invalid byte maps to -1, which sets the sign bit of n wherever it is shifted to.
    const n = (B64_BYTE_INDEX[src[i]!]! << 18) | (B64_BYTE_INDEX[src[i + 1]!]! << 12) | (B64_BYTE_INDEX[src[i + 2]!]! << 6) | B64_BYTE_INDEX[src[i + 3]!]!;
    if (n < 0) return -1;
    out[o] = n >> 16;
    out[o + 1] = n >> 8;
    out[o + 2] = n;
    o += 3;
  }
  if (pad > 0) {
    const c = pad === 1 ? B64_BYTE_INDEX[src[full + 2]!]! : 0;
    if (!finalQuantum(B64_BYTE_INDEX[src[full]!]!, B64_BYTE_INDEX[src[full + 1]!]!, c, pad, out, o)) return -1;
  }
  return size;
}

/** The padded last quantum (digits a, b, c; -1 = invalid) into out[o…]; false unless valid and canonical. */
function finalQuantum(a: number, b: number, c: number, pad: number, out: Uint8Array, o: number): boolean {
  if ((a | b | c) < 0) return false;
  // Canonical: the bits below the last encoded byte must be zero.
  if (pad === 2 && (b & 15) !== 0) return false;
  if (pad === 1 && (c & 3) !== 0) return false;
  const n = (a << 18) | (b << 12) | (c << 6);
  out[o] = n >> 16;
  if (pad === 1) out[o + 1] = (n >> 8) & 255;
  return true;
}

/**
 * Strict standard base64 decode (padding required, no whitespace, canonical trailing bits),
 * as Go's StdEncoding.DecodeString accepts. Returns null on anything else.
 */
export function fromBase64(s: string): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 4 !== 0) return null;
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  const digit = (i: number): number => {
    const c = s.charCodeAt(i);
    return c < 128 ? B64_INDEX[c]! : -1;
  };
  let o = 0;
  const full = s.length - (pad > 0 ? 4 : 0);
  for (let i = 0; i < full; i += 4) {
    const a = digit(i);
    const b = digit(i + 1);
    const c = digit(i + 2);
    const d = digit(i + 3);
    if ((a | b | c | d) < 0) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (pad > 0) return finalQuantum(digit(full), digit(full + 1), pad === 1 ? digit(full + 2) : 0, pad, out, o) ? out : null;
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time equality for equal-length inputs (length itself is not secret here). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return constantTimeEqual(a, b);
}

const enc = new TextEncoder();
const decStrict = new TextDecoder('utf-8', { fatal: true });

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** Decode UTF-8, returning null on invalid input (never throws). */
export function fromUtf8Strict(b: Uint8Array): string | null {
  try {
    return decStrict.decode(b);
  } catch {
    return null;
  }
}

/** Best-effort wipe of key material held in memory. */
export function wipe(b: Uint8Array): void {
  b.fill(0);
}

/**
 * A map key for bytes (signatures, public keys): any injective bytes→string map will do; one char per byte.
 * fromCharCode over the bytes costs about half of TextDecoder('latin1').decode for 64 bytes (0.19 vs 0.25 µs).
 * Only for short inputs (apply passes every byte as an argument).
 */
export function bytesKey(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}
