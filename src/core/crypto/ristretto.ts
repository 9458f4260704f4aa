// ristretto255 elements and scalars as tapir uses them (gtank/ristretto255 @6bb3979; RFC 9496).
// docs/protocol.md §0 (base64 forms), §3.2 (FromUniformBytes), §5.3 (privacy pass). Vectors: ristretto255.json.
// Decoders of wire bytes return null and never throw.

import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { fromBase64, toBase64 } from '../bytes.js';

const Point = ristretto255.Point;
export type RistrettoPointType = InstanceType<typeof ristretto255.Point>;

/** ℓ = 2^252 + 27742317777372353535851937790883648493, the group order. */
export const GROUP_ORDER: bigint = Point.Fn.ORDER;
export const BASEPOINT: RistrettoPointType = Point.BASE;
export const IDENTITY: RistrettoPointType = Point.ZERO;
export const ELEMENT_BYTES = 32;
export const SCALAR_BYTES = 32;
export const UNIFORM_BYTES = 64;

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

function mod(n: bigint): bigint {
  const r = n % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/** Element.FromUniformBytes (RFC 9496 element derivation = noble deriveToCurve, NOT RFC 9380 hashToCurve). */
export function elementFromUniformBytes(b: Uint8Array): RistrettoPointType {
  if (b.length !== UNIFORM_BYTES) throw new RangeError('ristretto255: uniform input must be 64 bytes');
  return ristretto255_hasher.deriveToCurve!(b);
}

/** Scalar.FromUniformBytes: the 512-bit little-endian number mod ℓ. */
export function scalarFromUniformBytes(b: Uint8Array): bigint {
  if (b.length !== UNIFORM_BYTES) throw new RangeError('ristretto255: uniform input must be 64 bytes');
  return mod(leToBigint(b));
}

/** 32-byte little-endian canonical encoding. */
export function encodeScalar(s: bigint): Uint8Array {
  let n = mod(s);
  const out = new Uint8Array(SCALAR_BYTES);
  for (let i = 0; i < SCALAR_BYTES; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Canonical 32-byte scalar or null (wrong length, or ≥ ℓ as gtank SetCanonicalBytes refuses). */
export function decodeScalar(b: Uint8Array): bigint | null {
  if (!(b instanceof Uint8Array) || b.length !== SCALAR_BYTES) return null;
  const n = leToBigint(b);
  return n < GROUP_ORDER ? n : null;
}

export function encodeElement(p: RistrettoPointType): Uint8Array {
  return p.toBytes();
}

/** Canonical 32-byte element encoding or null for every non-canonical / off-curve / wrong-length input. */
export function decodeElement(b: Uint8Array): RistrettoPointType | null {
  if (!(b instanceof Uint8Array) || b.length !== ELEMENT_BYTES) return null;
  try {
    return Point.fromBytes(b);
  } catch {
    return null;
  }
}

/** The JSON / String() form in the pinned gtank version: standard base64 of the 32-byte encoding. */
export function elementToBase64(p: RistrettoPointType): string {
  return toBase64(p.toBytes());
}

export function elementFromBase64(s: string): RistrettoPointType | null {
  if (typeof s !== 'string' || s.length !== 44) return null;
  const b = fromBase64(s);
  return b === null ? null : decodeElement(b);
}

export function scalarToBase64(s: bigint): string {
  return toBase64(encodeScalar(s));
}

export function scalarFromBase64(s: string): bigint | null {
  if (typeof s !== 'string' || s.length !== 44) return null;
  const b = fromBase64(s);
  return b === null ? null : decodeScalar(b);
}

/** s·P for any scalar, including 0 (noble's multiply refuses 0). Constant-time for nonzero s. */
export function mulElement(p: RistrettoPointType, s: bigint): RistrettoPointType {
  const k = mod(s);
  return k === 0n ? IDENTITY : p.multiply(k);
}

export const scalarSub = (a: bigint, b: bigint): bigint => mod(a - b);
export const scalarMul = (a: bigint, b: bigint): bigint => mod(a * b);
/** Multiplicative inverse mod ℓ; throws on 0 (a caller bug, never wire data). */
export const scalarInvert = (a: bigint): bigint => Point.Fn.inv(mod(a));
