// CryptoBackend on sodium-native (N-API libsodium): the fastest, Node only, so it lives in src/app.
// sodium-native ships no types; the few functions used are declared below and loaded with require (it is CJS).

import { createRequire } from 'node:module';
import { ED25519_PUBLIC_BYTES, ED25519_SEED_BYTES, ED25519_SIGNATURE_BYTES, SECRETBOX_TAG_BYTES, X25519_BYTES, hasLength, isAllZero, requireLength, requireSealArgs, openArgsOk, verifyArgsOk, type CryptoBackend } from '../../core/crypto/backend.js';

interface SodiumNative {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_hash_sha512(out: Uint8Array, m: Uint8Array): void;
  crypto_sign_detached(sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean;
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
  crypto_sign_ed25519_sk_to_curve25519(x: Uint8Array, sk: Uint8Array): void;
  crypto_sign_ed25519_pk_to_curve25519(x: Uint8Array, pk: Uint8Array): void;
  sodium_memzero(b: Uint8Array): void;
  crypto_stream_xor(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_onetimeauth_verify(h: Uint8Array, m: Uint8Array, k: Uint8Array): boolean;
}

const sodium = createRequire(import.meta.url)('sodium-native') as SodiumNative;

function keypair(seed: Uint8Array): { pk: Uint8Array; sk: Uint8Array } {
  requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
  const pk = new Uint8Array(32);
  const sk = new Uint8Array(64);
  sodium.crypto_sign_seed_keypair(pk, sk, seed);
  return { pk, sk };
}

export const sodiumNativeBackend: CryptoBackend = {
  name: 'sodium-native',

  secretboxSeal(msg, nonce, key) {
    requireSealArgs(nonce, key);
    const out = new Uint8Array(msg.length + SECRETBOX_TAG_BYTES);
    sodium.crypto_secretbox_easy(out, msg, nonce, key);
    return out;
  },

  secretboxOpen(box, nonce, key) {
    if (!openArgsOk(box, nonce, key)) return null;
    const out = new Uint8Array(box.length - SECRETBOX_TAG_BYTES);
    return sodium.crypto_secretbox_open_easy(out, box, nonce, key) ? out : null;
  },

  secretboxSealInto(out, msg, nonce, key) {
    requireSealArgs(nonce, key);
    if (out.length !== msg.length + SECRETBOX_TAG_BYTES) throw new RangeError('secretbox output must be the message length + 16');
    sodium.crypto_secretbox_easy(out, msg, nonce, key);
  },

  secretboxOpenInto(out, box, nonce, key) {
    if (!openArgsOk(box, nonce, key) || !(out instanceof Uint8Array) || out.length !== box.length - SECRETBOX_TAG_BYTES) return false;
    return sodium.crypto_secretbox_open_easy(out, box, nonce, key);
  },

  xsalsa20XorInPlace(data, nonce, key) {
    requireSealArgs(nonce, key);
    sodium.crypto_stream_xor(data, data, nonce, key);
  },

  poly1305Verify(tag, msg, key) {
    if (!hasLength(tag, SECRETBOX_TAG_BYTES) || !hasLength(key, 32)) return false;
    return sodium.crypto_onetimeauth_verify(tag, msg, key);
  },

  ed25519PublicKey(seed) {
    return keypair(seed).pk;
  },

  ed25519Sign(msg, seed) {
    const { sk } = keypair(seed);
    const sig = new Uint8Array(ED25519_SIGNATURE_BYTES);
    sodium.crypto_sign_detached(sig, msg, sk);
    sodium.sodium_memzero(sk);
    return sig;
  },

  ed25519Verify(sig, msg, pub) {
    if (!verifyArgsOk(sig, msg, pub)) return false;
    try {
      return sodium.crypto_sign_verify_detached(sig, msg, pub);
    } catch {
      return false;
    }
  },

  x25519(priv, pub) {
    if (!hasLength(priv, X25519_BYTES) || !hasLength(pub, X25519_BYTES)) return null;
    const out = new Uint8Array(X25519_BYTES);
    try {
      sodium.crypto_scalarmult(out, priv, pub);
    } catch {
      return null; // libsodium refuses an all-zero result
    }
    return isAllZero(out) ? null : out;
  },

  edSeedToX25519(seed) {
    // What crypto_sign_ed25519_sk_to_curve25519 computes (clamped SHA-512(seed)[0:32]) without first deriving the
    // ed25519 public key it never reads: that base-point multiplication was ~13 of ~15 µs, twice per handshake.
    requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
    const h = new Uint8Array(64);
    sodium.crypto_hash_sha512(h, seed);
    const out = h.slice(0, X25519_BYTES);
    sodium.sodium_memzero(h);
    out[0]! &= 248;
    out[31]! &= 127;
    out[31]! |= 64;
    return out;
  },

  edPublicToX25519(pub) {
    if (!hasLength(pub, ED25519_PUBLIC_BYTES)) return null;
    const out = new Uint8Array(X25519_BYTES);
    try {
      sodium.crypto_sign_ed25519_pk_to_curve25519(out, pub);
    } catch {
      return null;
    }
    return out;
  },
};
