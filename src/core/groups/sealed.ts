// Data sealed under a key derived from a group key, for cwtch-tui's peer extensions (docs/protocol.md §12.3, §12.6):
// only a holder of the group key can make or read it, so the data is its own proof of membership, and a contact
// who is not in the group learns nothing from it but its size.
//
//   key  = HMAC-SHA256(key = group key, message = label)
//   data = base64( nonce(24) ‖ secretbox(plaintext, nonce, key) )

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toBase64, utf8 } from '../bytes.js';
import type { CryptoBackend } from '../crypto/backend.js';
import type { Random } from '../ports.js';

const NONCE = 24;

export function groupDerivedKey(groupKey: Uint8Array, label: string): Uint8Array {
  return hmac(sha256, groupKey, utf8(label));
}

export function sealForGroup(backend: CryptoBackend, random: Random, key: Uint8Array, pt: Uint8Array): string {
  const nonce = random.bytes(NONCE);
  const box = backend.secretboxSeal(pt, nonce, key);
  const out = new Uint8Array(NONCE + box.length);
  out.set(nonce);
  out.set(box, NONCE);
  return toBase64(out);
}

/** The plaintext, or null when `data` is not base64 or does not open with `key`. Never throws. */
export function openForGroup(backend: CryptoBackend, key: Uint8Array, data: string): Uint8Array | null {
  const raw = fromBase64(data);
  if (raw === null || raw.length < NONCE + 16) return null;
  return backend.secretboxOpen(raw.subarray(NONCE), raw.subarray(0, NONCE), key);
}
