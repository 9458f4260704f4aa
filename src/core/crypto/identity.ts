// A Cwtch/tapir identity: one ed25519 key pair; its onion address is its name. docs/protocol.md §2.

import { sha512 } from '@noble/hashes/sha2.js';
import type { Random } from '../ports.js';
import { ED25519_SEED_BYTES, isAllZero, requireLength, type CryptoBackend } from './backend.js';
import { onionFromPublicKey, type OnionAddress } from './onion.js';

export interface Identity {
  /** The 32-byte ed25519 seed (Go's private key is seed ‖ publicKey). Secret. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly onion: OnionAddress;
}

export function identityFromSeed(backend: CryptoBackend, seed: Uint8Array): Identity {
  requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
  const publicKey = backend.ed25519PublicKey(seed);
  return { seed: Uint8Array.from(seed), publicKey, onion: onionFromPublicKey(publicKey) };
}

/** A fresh random identity (tapir InitializeEphemeralIdentity, and new profiles). */
export function newIdentity(backend: CryptoBackend, random: Random): Identity {
  return identityFromSeed(backend, random.bytes(ED25519_SEED_BYTES));
}

/**
 * tapir Identity.EDH: X25519 between our ed25519 seed and their ed25519 public key, both mapped to Montgomery
 * form. Null when their key is not a valid prime-order point or the result is all zero (Go errors there too).
 */
export function edh(backend: CryptoBackend, mySeed: Uint8Array, theirEdPublic: Uint8Array): Uint8Array | null {
  const theirs = backend.edPublicToX25519(theirEdPublic);
  if (theirs === null) return null;
  const mine = backend.edSeedToX25519(mySeed);
  const out = backend.x25519(mine, theirs);
  mine.fill(0);
  return out === null || isAllZero(out) ? null : out;
}

/**
 * The 64-byte expanded secret key tor's ADD_ONION ED25519-V3 wants: h = SHA-512(seed), h[0] &= 248,
 * h[31] &= 127, h[31] |= 64. docs/tor.md.
 */
export function expandedSecretKey(seed: Uint8Array): Uint8Array {
  requireLength(seed, ED25519_SEED_BYTES, 'ed25519 seed');
  const h = sha512(seed);
  h[0]! &= 248;
  h[31]! &= 127;
  h[31]! |= 64;
  return h;
}

/** Go's 64-byte ed25519.PrivateKey form: seed ‖ publicKey (what Cwtch stores and marshals). */
export function goPrivateKey(id: Identity): Uint8Array {
  const out = new Uint8Array(64);
  out.set(id.seed, 0);
  out.set(id.publicKey, 32);
  return out;
}

/** Identity.Sign: pure Ed25519, no prehash. */
export function sign(backend: CryptoBackend, id: Identity, msg: Uint8Array): Uint8Array {
  return backend.ed25519Sign(msg, id.seed);
}

/** False for any bad key, signature or message; never throws. */
export function verify(backend: CryptoBackend, publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return backend.ed25519Verify(sig, msg, publicKey);
}
