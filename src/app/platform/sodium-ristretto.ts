// ristretto255 scalar multiplication through libsodium's constant-time Edwards ladder (sodium-native has no
// ristretto functions). A ristretto element is a class of Edwards points P + E[4]; 4·P is in the prime-order
// subgroup whatever representative we hold, and (s·4⁻¹)·(4·P) = s·P there, so the class of the result is s·[P].
// ~6x faster than the pure-JS multiply; the token server uses it for W = k·T on every post.

import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { constants, createHash, createHmac, createPublicKey, publicEncrypt, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { IDENTITY, encodeScalar, scalarInvert, scalarMul, type RistrettoPointType } from '../../core/crypto/ristretto.js';

interface SodiumEd25519 {
  readonly crypto_scalarmult_ed25519_BYTES: number;
  crypto_scalarmult_ed25519_noclamp(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
}
// sodium-native ships no types and is CJS (as in sodium-native-backend.ts).
const sodium = createRequire(import.meta.url)('sodium-native') as SodiumEd25519;

const INV4 = scalarInvert(4n);

type WithEdwards = RistrettoPointType & { readonly ep: InstanceType<typeof ed25519.Point> };
const RistrettoCtor = ristretto255.Point as unknown as new (ep: InstanceType<typeof ed25519.Point>) => RistrettoPointType;

export function sodiumElementMul(p: RistrettoPointType, s: bigint): RistrettoPointType {
  const e = scalarMul(s, INV4);
  if (e === 0n) return IDENTITY;
  const p4 = (p as WithEdwards).ep.double().double();
  if (p4.is0()) return IDENTITY;
  const out = new Uint8Array(sodium.crypto_scalarmult_ed25519_BYTES);
  const n = encodeScalar(e);
  try {
    sodium.crypto_scalarmult_ed25519_noclamp(out, n, p4.toBytes());
  } catch {
    // Only for inputs outside the prime-order subgroup, which 4·P never is.
    throw new RangeError('ristretto255: libsodium refused the point');
  } finally {
    n.fill(0);
  }
  return new RistrettoCtor(ed25519.Point.fromBytes(out));
}

/** node:crypto (OpenSSL) HMAC-SHA3-512, for the token server's spend check. */
export const nodeHmacSha3_512 = (key: Uint8Array, data: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha3-512', key).update(data).digest());

// --- The spend check's MAC key in one pass: SHA3-256(t ‖ encode(k·FromUniformBytes(SHA3-512(t)))). ---------------
// Per post this is two Elligator maps, one Edwards compression (for libsodium), libsodium's multiply, one Edwards
// decompression and one ristretto encoding: five field exponentiations. noble's generic field reduces with `%`;
// here p = 2^255 − 19 is folded with shifts (x = lo + 19·hi), ~2-3x faster per squaring, which is most of a post's
// cost. Formulas: RFC 9496 §4.3 (MAP, ENCODE, SQRT_RATIO_M1), RFC 8032 §5.1.3 (decompression), hwcd-3 add and
// dbl-2008-hwcd for a = −1. Property-tested equal to the noble path (test/app/platform/sodium-ristretto.test.ts).
// Like noble's, this is BigInt code: not constant-time at the machine level; the secret k only enters libsodium.

const FP = (1n << 255n) - 19n;
const M255 = (1n << 255n) - 1n;
const FP4 = 4n * FP;
/** One fold: for x < 2^262 the result is < 2^256 and ≡ x (mod p). */
const fold = (x: bigint): bigint => (x & M255) + 19n * (x >> 255n);
/** a·b for a, b < 2^260 (lazily reduced, < 2^256). */
const fmul = (a: bigint, b: bigint): bigint => fold(fold(a * b));
const fsq = (a: bigint): bigint => fold(fold(a * a));
const fadd = (a: bigint, b: bigint): bigint => fold(a + b);
const fsub = (a: bigint, b: bigint): bigint => fold(a + FP4 - b);
const fcanon = (a: bigint): bigint => {
  const x = fold(a);
  return x >= FP ? x - FP : x;
};
const fneg = (a: bigint): bigint => fsub(0n, a);
const fodd = (a: bigint): boolean => (fcanon(a) & 1n) === 1n;
const fabs = (a: bigint): bigint => (fodd(a) ? fneg(a) : a);
const feq = (a: bigint, b: bigint): boolean => fcanon(a) === fcanon(b);
function fsqn(a: bigint, n: number): bigint {
  let x = a;
  for (let i = 0; i < n; i++) x = fold(fold(x * x));
  return x;
}
/** x^(2^250 − 1) and x^3: the shared chain of x^((p−5)/8) and x^(p−2) (as ref10 / noble). */
function pow250(x: bigint): { b250: bigint; b2: bigint } {
  const b2 = fmul(fsq(x), x);
  const b4 = fmul(fsqn(b2, 2), b2);
  const b5 = fmul(fsq(b4), x);
  const b10 = fmul(fsqn(b5, 5), b5);
  const b20 = fmul(fsqn(b10, 10), b10);
  const b40 = fmul(fsqn(b20, 20), b20);
  const b80 = fmul(fsqn(b40, 40), b40);
  const b160 = fmul(fsqn(b80, 80), b80);
  const b240 = fmul(fsqn(b160, 80), b80);
  return { b250: fmul(fsqn(b240, 10), b10), b2 };
}
/** The two field exponentiations the pipeline needs: x^((p−5)/8) (square roots) and x^(p−2) (inversion). */
export interface FieldPow {
  readonly pow58: (x: bigint) => bigint;
  readonly inv: (x: bigint) => bigint;
}

/** Pure BigInt chains (ref10's addition chain): the fallback, ~40 µs per exponentiation here. */
export const bigintFieldPow: FieldPow = {
  pow58: (x) => fmul(fsqn(pow250(x).b250, 2), x),
  // x^(p−2) = x^(2^255 − 21) = (x^(2^250−1))^(2^5) · x^11.
  inv: (x) => {
    const { b250, b2 } = pow250(x);
    return fmul(fsqn(b250, 5), fmul(fsqn(x, 3), b2));
  },
};

const hex32 = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');

/**
 * OpenSSL's modular exponentiation, reached through a raw (unpadded) RSA public operation whose "modulus" is the
 * prime p and whose "exponent" is the public constant we need: m^e mod p in ~13 µs instead of ~40 µs. Nothing
 * secret is in the key. Used only if it imports and reproduces the BigInt results at load; otherwise null.
 */
function opensslPow(e: bigint): ((x: bigint) => bigint) | null {
  let key: KeyObject;
  const b64u = (x: bigint): string => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 === 0 ? h : `0${h}`, 'hex').toString('base64url');
  };
  try {
    key = createPublicKey({ key: { kty: 'RSA', n: b64u(FP), e: b64u(e) }, format: 'jwk' });
  } catch {
    return null;
  }
  return (x) => BigInt('0x' + publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, hex32(fcanon(x))).toString('hex'));
}

function opensslFieldPowOrNull(): FieldPow | null {
  try {
    const pow58 = opensslPow((FP - 5n) / 8n);
    const inv = opensslPow(FP - 2n);
    if (pow58 === null || inv === null) return null;
    for (const x of [0n, 1n, 2n, FP - 1n, 0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdefn]) {
      if (fcanon(pow58(x)) !== fcanon(bigintFieldPow.pow58(x)) || fcanon(inv(x)) !== fcanon(bigintFieldPow.inv(x))) return null;
    }
    return { pow58, inv };
  } catch {
    return null;
  }
}

/** null when this OpenSSL refuses the trick (then the BigInt chains are used). */
export const opensslFieldPow: FieldPow | null = opensslFieldPowOrNull();
const fieldPow: FieldPow = opensslFieldPow ?? bigintFieldPow;

const D = fcanon(fmul(FP - 121665n, bigintFieldPow.inv(121666n)));
const D2 = fadd(D, D);
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
const SQRT_AD_MINUS_ONE = 25063068953384623474111414158702152701244531502492656460079210482610430750235n;
const INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578n;
const ONE_MINUS_D_SQ = fcanon(fsub(1n, fsq(D)));
const D_MINUS_ONE_SQ = fcanon(fsq(fsub(D, 1n)));

/** RFC 9496 SQRT_RATIO_M1(u, v): the non-negative √(u/v), or √(i·u/v) when u/v is not a square. */
function sqrtRatioM1(u: bigint, v: bigint, fp: FieldPow): { square: boolean; r: bigint } {
  const v3 = fmul(fsq(v), v);
  const v7 = fmul(fsq(v3), v);
  let r = fmul(fmul(u, v3), fp.pow58(fmul(u, v7)));
  const check = fmul(v, fsq(r));
  const correct = feq(check, u);
  const flipped = feq(check, fneg(u));
  const flippedI = feq(check, fmul(fneg(u), SQRT_M1));
  if (flipped || flippedI) r = fmul(r, SQRT_M1);
  return { square: correct || flipped, r: fabs(r) };
}

interface Ext {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
}

/** RFC 9496 §4.3.4 MAP (an Edwards representative in extended coordinates). */
function elligator(r0: bigint, fp: FieldPow): Ext {
  const r = fmul(fmul(SQRT_M1, r0), r0);
  const u = fmul(fadd(r, 1n), ONE_MINUS_D_SQ);
  const v = fmul(fsub(FP - 1n, fmul(r, D)), fadd(r, D));
  const { square, r: s0 } = sqrtRatioM1(u, v, fp);
  const s = square ? s0 : fneg(fabs(fmul(s0, r0)));
  const c = square ? FP - 1n : r;
  const n = fsub(fmul(fmul(c, fsub(r, 1n)), D_MINUS_ONE_SQ), v);
  const s2 = fsq(s);
  const w0 = fmul(fadd(s, s), v);
  const w1 = fmul(n, SQRT_AD_MINUS_ONE);
  const w2 = fsub(1n, s2);
  const w3 = fadd(1n, s2);
  return { X: fmul(w0, w3), Y: fmul(w2, w1), Z: fmul(w1, w3), T: fmul(w0, w2) };
}

function edAdd(p: Ext, q: Ext): Ext {
  const a = fmul(fsub(p.Y, p.X), fsub(q.Y, q.X));
  const b = fmul(fadd(p.Y, p.X), fadd(q.Y, q.X));
  const c = fmul(fmul(p.T, D2), q.T);
  const d = fmul(fadd(p.Z, p.Z), q.Z);
  const e = fsub(b, a);
  const f = fsub(d, c);
  const g = fadd(d, c);
  const h = fadd(b, a);
  return { X: fmul(e, f), Y: fmul(g, h), Z: fmul(f, g), T: fmul(e, h) };
}

function edDouble(p: Ext): Ext {
  const a = fsq(p.X);
  const b = fsq(p.Y);
  const c = fadd(fsq(p.Z), fsq(p.Z));
  const e = fsub(fsub(fsq(fadd(p.X, p.Y)), a), b);
  const g = fsub(b, a);
  const f = fsub(g, c);
  const h = fneg(fadd(a, b));
  return { X: fmul(e, f), Y: fmul(g, h), Z: fmul(f, g), T: fmul(e, h) };
}

function leToBig(b: Uint8Array, off: number): bigint {
  const v = new DataView(b.buffer, b.byteOffset + off, 32);
  return v.getBigUint64(0, true) | (v.getBigUint64(8, true) << 64n) | (v.getBigUint64(16, true) << 128n) | (v.getBigUint64(24, true) << 192n);
}

function bigToLe(x: bigint, out: Uint8Array): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset, 32);
  for (let i = 0; i < 4; i++) v.setBigUint64(8 * i, BigInt.asUintN(64, x >> BigInt(64 * i)), true);
  return out;
}

/** Edwards compression (y with x's parity in bit 255). */
function compress(p: Ext, fp: FieldPow): Uint8Array {
  const zi = fp.inv(p.Z);
  const x = fcanon(fmul(p.X, zi));
  const y = fcanon(fmul(p.Y, zi));
  return bigToLe(y | ((x & 1n) << 255n), new Uint8Array(32));
}

/** Edwards decompression of a canonical, valid encoding (libsodium's output), then RFC 9496 ENCODE. */
function ristrettoFromEdwardsBytes(b: Uint8Array, fp: FieldPow): Uint8Array {
  const yb = leToBig(b, 0);
  const y = yb & M255;
  const y2 = fsq(y);
  let x = sqrtRatioM1(fsub(y2, 1n), fadd(fmul(D, y2), 1n), fp).r;
  if (yb >> 255n === 1n) x = fneg(x);
  // ENCODE with Z = 1, T = x·y.
  const t = fmul(x, y);
  const u1 = fmul(fadd(1n, y), fsub(1n, y));
  const u2 = t;
  const inv = sqrtRatioM1(1n, fmul(u1, fsq(u2)), fp).r;
  const d1 = fmul(inv, u1);
  const d2 = fmul(inv, u2);
  const zInv = fmul(fmul(d1, d2), t);
  let X = x;
  let Y = y;
  let den = d2;
  if (fodd(fmul(t, zInv))) {
    X = fmul(y, SQRT_M1);
    Y = fmul(x, SQRT_M1);
    den = fmul(d1, INVSQRT_A_MINUS_D);
  }
  if (fodd(fmul(X, zInv))) Y = fneg(Y);
  return bigToLe(fcanon(fabs(fmul(fsub(1n, Y), den))), new Uint8Array(32));
}

let cachedK: bigint | null = null;
let cachedE: Uint8Array = new Uint8Array(32);
/** cachedE is all zeros (k ≡ 0 mod ℓ): computed with the cache, not per post. */
let cachedEZero = true;

/** encode(k·T) for T = FromUniformBytes(SHA3-512(t)); libsodium does the multiply (by k/4, on 4·T, as above). */
export function spendKeyElement(t: Uint8Array, k: bigint, fp: FieldPow = fieldPow): Uint8Array {
  const h = createHash('sha3-512').update(t).digest();
  const p = edAdd(elligator(fcanon(leToBig(h, 0) & M255), fp), elligator(fcanon(leToBig(h, 32) & M255), fp));
  const p4 = compress(edDouble(edDouble(p)), fp);
  if (cachedK !== k) {
    cachedE = encodeScalar(scalarMul(k, INV4));
    cachedEZero = cachedE.every((x) => x === 0);
    cachedK = k;
  }
  // The identity (4·T = 0, or k ≡ 0): libsodium refuses it; its ristretto encoding is all zeros.
  const identity = p4[0] === 1 && p4.subarray(1).every((x) => x === 0);
  if (identity || cachedEZero) return new Uint8Array(32);
  const out = new Uint8Array(32);
  sodium.crypto_scalarmult_ed25519_noclamp(out, cachedE, p4);
  return ristrettoFromEdwardsBytes(out, fp);
}

/** The spend MAC key SHA3-256(t ‖ encode(k·T)) (token.ts spendMacKey), for TokenServerOps.spendMacKey. */
export function nodeSpendMacKey(t: Uint8Array, k: bigint): Uint8Array {
  return new Uint8Array(createHash('sha3-256').update(t).update(spendKeyElement(t, k)).digest());
}

/** The token server's fast primitives, wired by server-main and the bench. */
export const nativeTokenOps = { mul: sodiumElementMul, hmacSha3_512: nodeHmacSha3_512, spendMacKey: nodeSpendMacKey } as const;
