// The primitives whose speed depends on the implementation. src/core depends on this interface only;
// the implementations are pure JS (noble, always available), libsodium-wrappers (wasm) and
// sodium-native (native, wired in src/app). `npm run bench` measures each and the fastest is used.

export interface CryptoBackend {
  readonly name: string;
  /** NaCl secretbox (XSalsa20-Poly1305): returns tag(16) ‖ ciphertext, like crypto_secretbox_easy and Go's Seal. */
  secretboxSeal(msg: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** Opens tag ‖ ciphertext; null when the MAC fails. Never throws on hostile input. */
  secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null;
  /**
   * Optional: secretboxOpen into `out` (exactly box.length − 16 bytes), true when the MAC verifies. Hot receive
   * paths reuse one buffer with it instead of allocating per packet; `out` holds garbage after a false.
   */
  secretboxOpenInto?(out: Uint8Array, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean;
  /** Optional: secretboxSeal into `out` (exactly msg.length + 16 bytes), so a writer can seal straight into its batch. */
  secretboxSealInto?(out: Uint8Array, msg: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  /**
   * Optional raw halves of secretbox, so a reader can authenticate a whole padded box but decrypt only the part it
   * reads (src/core/tapir/framing.ts): XOR the XSalsa20 keystream for (nonce, key) from offset 0 over `data`, in
   * place (crypto_stream_xor; a secretbox keystream's first 32 bytes are its Poly1305 key) ...
   */
  xsalsa20XorInPlace?(data: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  /** ... and check a Poly1305 tag in constant time (crypto_onetimeauth_verify). */
  poly1305Verify?(tag: Uint8Array, msg: Uint8Array, key: Uint8Array): boolean;
  /** Ed25519 public key (32) from a 32-byte seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** Pure Ed25519 signature (64) with the 32-byte seed. */
  ed25519Sign(msg: Uint8Array, seed: Uint8Array): Uint8Array;
  /** False for any malformed key or signature; never throws. */
  ed25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean;
  /** X25519(priv, pub); null for an all-zero (low-order) result or a malformed input. */
  x25519(priv: Uint8Array, pub: Uint8Array): Uint8Array | null;
  /** ed25519 seed → X25519 private key (SHA-512(seed)[0:32], clamped by X25519). */
  edSeedToX25519(seed: Uint8Array): Uint8Array;
  /** ed25519 public → X25519 public (u = (1+y)/(1−y)); null for an invalid point. */
  edPublicToX25519(pub: Uint8Array): Uint8Array | null;
}

/** PBKDF2 with the hash Cwtch uses; injected because node:crypto is ~10x faster than pure JS. */
export interface Pbkdf2 {
  (hash: 'sha3-512' | 'sha512', password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array;
}

// Sizes and argument checks every backend shares, so all three fail the same way: programmer errors (a wrong key
// or seed length from our own code) throw RangeError; hostile wire input gives null/false.
export const SECRETBOX_KEY_BYTES = 32;
export const SECRETBOX_NONCE_BYTES = 24;
export const SECRETBOX_TAG_BYTES = 16;
export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const X25519_BYTES = 32;

export function requireLength(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) throw new RangeError(`${what} must be ${n} bytes`);
}

export function hasLength(b: unknown, n: number): b is Uint8Array {
  return b instanceof Uint8Array && b.length === n;
}

/** True when every byte is zero (an X25519 result from a low-order point). Not data-dependent in timing. */
export function isAllZero(b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < b.length; i++) d |= b[i]!;
  return d === 0;
}

/** Seal arguments come from our own code: a wrong size is a bug. */
export function requireSealArgs(nonce: Uint8Array, key: Uint8Array): void {
  requireLength(key, SECRETBOX_KEY_BYTES, 'secretbox key');
  requireLength(nonce, SECRETBOX_NONCE_BYTES, 'secretbox nonce');
}

/** Open arguments may come off the wire: false means "refuse", never an exception. */
export function openArgsOk(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean {
  return hasLength(key, SECRETBOX_KEY_BYTES) && hasLength(nonce, SECRETBOX_NONCE_BYTES) && box instanceof Uint8Array && box.length >= SECRETBOX_TAG_BYTES;
}

export function verifyArgsOk(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  return hasLength(sig, ED25519_SIGNATURE_BYTES) && hasLength(pub, ED25519_PUBLIC_BYTES) && msg instanceof Uint8Array;
}
