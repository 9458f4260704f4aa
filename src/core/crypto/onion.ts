// Tor v3 onion addresses (rend-spec-v3): lower(base32(pub(32) ‖ checksum(2) ‖ 0x03)),
// checksum = SHA3-256(".onion checksum" ‖ pub ‖ 0x03)[0:2]. docs/protocol.md §2.

import { sha3_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8 } from '../bytes.js';
import { fail, ok, type Result } from '../result.js';

declare const onionBrand: unique symbol;
/** A validated 56-character v3 onion address, lower case, without ".onion". */
export type OnionAddress = string & { readonly [onionBrand]: true };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const CHECKSUM_PREFIX = utf8('.onion checksum');
const VERSION = 0x03;

function base32Encode(b: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; i < b.length; i++) {
    value = (value << 8) | b[i]!;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]!;
  return out;
}

function base32Decode(s: string): Uint8Array | null {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of s) {
    const d = ALPHABET.indexOf(ch);
    if (d < 0) return null;
    value = ((value << 5) | d) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function checksum(pub: Uint8Array): Uint8Array {
  return sha3_256(concatBytes(CHECKSUM_PREFIX, pub, Uint8Array.of(VERSION))).subarray(0, 2);
}

/** The onion address of a 32-byte ed25519 public key. */
export function onionFromPublicKey(pub: Uint8Array): OnionAddress {
  if (pub.length !== 32) throw new RangeError('ed25519 public key must be 32 bytes');
  return base32Encode(concatBytes(pub, checksum(pub), Uint8Array.of(VERSION))) as OnionAddress;
}

export interface DecodedOnion {
  readonly onion: OnionAddress;
  readonly publicKey: Uint8Array;
}

/**
 * Validate a pasted onion address: trims whitespace, accepts an optional ".onion" suffix and upper case.
 * Never throws; the error says what is wrong in words a person can act on.
 */
export function decodeOnion(input: string): Result<DecodedOnion> {
  if (typeof input !== 'string') return fail('onion.type', 'not a string');
  let s = input.trim().toLowerCase();
  if (s.endsWith('.onion')) s = s.slice(0, -'.onion'.length);
  if (s.length !== 56) return fail('onion.length', `an onion address has 56 characters, this has ${s.length}`);
  if (!/^[a-z2-7]{56}$/.test(s)) return fail('onion.alphabet', 'an onion address uses only the letters a-z and digits 2-7');
  const raw = base32Decode(s);
  if (raw === null || raw.length !== 35) return fail('onion.decode', 'not valid base32');
  if (raw[34] !== VERSION) return fail('onion.version', `version ${raw[34]} is not a v3 onion address`);
  const pub = raw.subarray(0, 32);
  const c = checksum(pub);
  if (raw[32] !== c[0] || raw[33] !== c[1]) return fail('onion.checksum', 'checksum does not match: a character is wrong');
  return ok({ onion: s as OnionAddress, publicKey: Uint8Array.from(pub) });
}

export function isOnionAddress(s: string): s is OnionAddress {
  return decodeOnion(s).ok && s === s.trim().toLowerCase() && s.length === 56;
}
