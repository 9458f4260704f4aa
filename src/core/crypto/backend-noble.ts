// Pure-JS CryptoBackend on @noble (always available; the slowest). Behaviour matches libsodium exactly, including
// on hostile input, so the three backends are interchangeable (checked by test/core/crypto/backends.test.ts).

import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, constantTimeEqual } from '../bytes.js';
import { ED25519_PUBLIC_BYTES, ED25519_SEED_BYTES, X25519_BYTES, hasLength, isAllZero, requireLength, requireSealArgs, openArgsOk, verifyArgsOk, type CryptoBackend } from './backend.js';

const EdPoint = ed25519.Point;
const L = EdPoint.Fn.ORDER;

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

type EdPointType = InstanceType<typeof EdPoint>;

/** Strict decode as libsodium: canonical y, on the curve, not of small order. */
function decodeStrictPoint(b: Uint8Array): EdPointType | null {
  try {
    const p = EdPoint.fromBytes(b, false);
    return p.isSmallOrder() ? null : p;
  } catch {
    return null;
  }
}

/**
 * libsodium's crypto_sign_verify_detached, in JS: canonical S < ℓ, R and A not of small order, A canonical, then
 * the cofactorless check encode([S]B − [k]A) == R. (noble's own verify is cofactored, which differs from
 * libsodium and Go only on crafted signatures, but the backends must agree on every input.)
 */
function verifyLikeLibsodium(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  if (!verifyArgsOk(sig, msg, pub)) return false;
  const rBytes = sig.subarray(0, 32);
  const s = leToBigint(sig.subarray(32, 64));
  if (s >= L) return false;
  try {
    const r = EdPoint.fromBytes(rBytes, true);
    if (r.isSmallOrder()) return false;
  } catch {
    // An R that does not decode can never equal the canonical encoding computed below.
  }
  const a = decodeStrictPoint(pub);
  if (a === null) return false;
  const k = leToBigint(sha512(concatBytes(rBytes, pub, msg))) % L;
  // s is public: the precomputed (windowed) base multiply is fastest; it refuses 0, which is the identity.
  const sB = s === 0n ? EdPoint.ZERO : EdPoint.BASE.multiply(s);
  const rCheck = sB.subtract(a.multiplyUnsafe(k));
  return constantTimeEqual(rCheck.toBytes(), rBytes);
}

export const nobleBackend: CryptoBackend = {
  name: 'noble',

  secretboxSeal(msg, nonce, key) {
    requireSealArgs(nonce, key);
    return xsalsa20poly1305(key, nonce).encrypt(msg);
  },

  secretboxOpen(box, nonce, key) {
    if (!openArgsOk(box, nonce, key)) return null;
    try {
      return xsalsa20poly1305(key, nonce).decrypt(box);
    } catch {
      return null;
    }
  },

  ed25519PublicKey(seed) {
    requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
    return ed25519.getPublicKey(seed);
  },

  ed25519Sign(msg, seed) {
    requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
    return ed25519.sign(msg, seed);
  },

  ed25519Verify: verifyLikeLibsodium,

  x25519(priv, pub) {
    if (!hasLength(priv, X25519_BYTES) || !hasLength(pub, X25519_BYTES)) return null;
    try {
      const out = x25519.getSharedSecret(priv, pub);
      return isAllZero(out) ? null : out;
    } catch {
      // noble refuses low-order public points before the ladder; libsodium sees an all-zero result. Same answer.
      return null;
    }
  },

  edSeedToX25519(seed) {
    requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
    return ed25519.utils.toMontgomerySecret(seed);
  },

  edPublicToX25519(pub) {
    if (!hasLength(pub, ED25519_PUBLIC_BYTES)) return null;
    // libsodium additionally refuses points outside the prime-order subgroup; so do we.
    try {
      const p = EdPoint.fromBytes(pub, true);
      if (p.isSmallOrder() || !p.isTorsionFree()) return null;
      return ed25519.utils.toMontgomery(pub);
    } catch {
      return null;
    }
  },
};
