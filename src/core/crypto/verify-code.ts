// The verification code two contacts read to each other (docs/protocol.md §12.7): a check that each holds the
// other's real key, the only absolute defence against a misrepresented address. Each half comes from ONE key (as
// Signal's safety numbers do): a man in the middle must then find a key whose half equals a given one (a second
// preimage: about 2^50 trial keys, each costing VERIFY_CODE_ITERATIONS), not merely two keys whose combined codes
// collide (a birthday search, at the square root of that).

import { utf8 } from '../bytes.js';
import { VERIFY_CODE_ITERATIONS } from '../limits.js';
import type { Pbkdf2 } from './backend.js';

/** PBKDF2's salt: the domain label, so the code is no other protocol's hash of the key. */
export const VERIFY_CODE_LABEL = 'cwtch-tui verify-code v1';
const SALT = utf8(VERIFY_CODE_LABEL);
/** Groups of five digits per key, each from five bytes (2^40 mod 10^5: a bias below 2^-23). */
const GROUPS_PER_KEY = 3;

/**
 * One key's half, "12345 67890 13579": PBKDF2-HMAC-SHA512(password = the 32-byte ed25519 public key, salt = the
 * label, iterations, 15 bytes); each 5 bytes, big-endian, mod 100000, as five digits.
 */
export function verifyHalf(pbkdf2: Pbkdf2, publicKey: Uint8Array, iterations = VERIFY_CODE_ITERATIONS): string {
  const h = pbkdf2('sha512', publicKey, SALT, iterations, GROUPS_PER_KEY * 5);
  const groups: string[] = [];
  for (let g = 0; g < GROUPS_PER_KEY; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + h[g * 5 + i]!;
    groups.push(String(n % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The code for two public keys, the same whichever side computes it: the half of the key that sorts first (as
 * unsigned bytes), then the other's — six groups of five digits.
 */
export function verifyCode(pbkdf2: Pbkdf2, ours: Uint8Array, theirs: Uint8Array, iterations = VERIFY_CODE_ITERATIONS): string {
  const [first, second] = compare(ours, theirs) <= 0 ? [ours, theirs] : [theirs, ours];
  return `${verifyHalf(pbkdf2, first, iterations)} ${verifyHalf(pbkdf2, second, iterations)}`;
}
