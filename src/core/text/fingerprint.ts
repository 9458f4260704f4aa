// One short, stable look for an identity, used the same way everywhere in the UI so that people learn to
// recognise their contacts by it. A hint, never a verification: the short form carries 42 bits of the
// address (the first 6 characters are 30 bits of the key; every v3 address ends in 'd' after a 2-byte
// checksum, so the last 4 carry 12 bits) and a colour 3 more — an attacker can grind a look-alike.

import { sha3_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8 } from '../bytes.js';
import { decodeOnion, type OnionAddress } from '../crypto/onion.js';
import { toSafeText, type SafeText } from './safe-text.js';

/** Number of colours a fingerprint picks from; the UI's palette must have exactly this many. A power of two, so the index has no modulo bias. */
export const FINGERPRINT_PALETTE_SIZE = 8;

const HEAD = 6;
const TAIL = 4;
// Domain-separated so the colour is not a function of the characters shown: matching both costs more.
const COLOUR_LABEL = utf8('cwtch-tui fingerprint colour v1');

export interface Fingerprint {
  /** First 6 and last 4 characters of the address: "abcdef…wxyd". */
  readonly short: SafeText;
  /** 0 .. FINGERPRINT_PALETTE_SIZE-1, stable for the key. */
  readonly colour: number;
}

export function fingerprint(onion: OnionAddress): Fingerprint {
  const decoded = decodeOnion(onion);
  // A branded address always decodes; hashing the text keeps the function total if someone cast one.
  const key = decoded.ok ? decoded.value.publicKey : utf8(String(onion));
  const colour = sha3_256(concatBytes(COLOUR_LABEL, key))[0]! % FINGERPRINT_PALETTE_SIZE;
  const s = String(onion);
  return { short: toSafeText(`${s.slice(0, HEAD)}…${s.slice(-TAIL)}`, { singleLine: true }), colour };
}
