// CryptoBackend on libsodium-wrappers (libsodium compiled to wasm): pure enough for src/core, ~10x noble.
// libsodium signals failure by throwing; every hostile-input path here turns that into null/false.

import sodium from 'libsodium-wrappers';
import { ED25519_PUBLIC_BYTES, ED25519_SEED_BYTES, X25519_BYTES, hasLength, isAllZero, requireLength, requireSealArgs, openArgsOk, verifyArgsOk, type CryptoBackend } from './backend.js';

function secretKey64(seed: Uint8Array): Uint8Array {
  requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
  return sodium.crypto_sign_seed_keypair(seed).privateKey;
}

const backend: CryptoBackend = {
  name: 'libsodium-wrappers',

  secretboxSeal(msg, nonce, key) {
    requireSealArgs(nonce, key);
    return sodium.crypto_secretbox_easy(msg, nonce, key);
  },

  secretboxOpen(box, nonce, key) {
    if (!openArgsOk(box, nonce, key)) return null;
    try {
      return sodium.crypto_secretbox_open_easy(box, nonce, key);
    } catch {
      return null;
    }
  },

  ed25519PublicKey(seed) {
    requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
    return sodium.crypto_sign_seed_keypair(seed).publicKey;
  },

  ed25519Sign(msg, seed) {
    return sodium.crypto_sign_detached(msg, secretKey64(seed));
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
    try {
      const out = sodium.crypto_scalarmult(priv, pub);
      return isAllZero(out) ? null : out;
    } catch {
      return null;
    }
  },

  edSeedToX25519(seed) {
    return sodium.crypto_sign_ed25519_sk_to_curve25519(secretKey64(seed));
  },

  edPublicToX25519(pub) {
    if (!hasLength(pub, ED25519_PUBLIC_BYTES)) return null;
    try {
      return sodium.crypto_sign_ed25519_pk_to_curve25519(pub);
    } catch {
      return null;
    }
  },
};

/** Resolves once the wasm module is initialised (one `await sodium.ready`; later calls are instant). */
export async function libsodiumBackend(): Promise<CryptoBackend> {
  await sodium.ready;
  return backend;
}
