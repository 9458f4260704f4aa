// Privacy-pass tokens, client side (docs/protocol.md §5.3–§5.4): generate and blind, unblind after the batch proof
// verifies, and the spend MAC that binds a token to the data it pays for. Pure; randomness comes in as Random.

import { hmac } from '@noble/hashes/hmac.js';
import { sha3_256, sha3_512 } from '@noble/hashes/sha3.js';
import { concatBytes } from '../bytes.js';
import type { Random } from '../ports.js';
import {
  UNIFORM_BYTES,
  elementFromUniformBytes,
  encodeElement,
  mulElement,
  scalarFromUniformBytes,
  scalarInvert,
  type RistrettoPointType,
} from '../crypto/ristretto.js';
import { TOKEN_T_BYTES } from './constants.js';

/** A token the client holds: the secret t, its blinding factor r, and (once signed) W = k·T. Secret. */
export interface Token {
  readonly t: Uint8Array;
  readonly r: bigint;
  /** Set by unblinding; a token without W cannot be spent. */
  W: RistrettoPointType | null;
}

export interface BlindedToken {
  readonly P: RistrettoPointType;
}

export interface SignedToken {
  readonly Q: RistrettoPointType;
}

/** What a post carries: the token's t and a MAC over the bound data. */
export interface SpentToken {
  readonly T: Uint8Array;
  readonly MAC: Uint8Array;
}

/** T = Element.FromUniformBytes(SHA3-512(t)). [unverified] docs/protocol.md §5.3. */
export function tokenPoint(t: Uint8Array): RistrettoPointType {
  return elementFromUniformBytes(sha3_512(t));
}

/** A token from explicit t and r (vectors, tests); generateToken draws them. */
export function tokenFrom(t: Uint8Array, r: bigint): { token: Token; blinded: BlindedToken } {
  const token: Token = { t: Uint8Array.from(t), r, W: null };
  return { token, blinded: { P: mulElement(tokenPoint(t), r) } };
}

export function generateToken(random: Random): { token: Token; blinded: BlindedToken } {
  let r = 0n;
  // r = 0 would make the token unblindable; the chance is 2^-252, but the loop makes it impossible.
  while (r === 0n) r = scalarFromUniformBytes(random.bytes(UNIFORM_BYTES));
  return tokenFrom(random.bytes(TOKEN_T_BYTES), r);
}

/** GenerateBlindedTokenBatch(n). */
export function generateBlindedTokenBatch(random: Random, n: number): { tokens: Token[]; blinded: BlindedToken[] } {
  const tokens: Token[] = [];
  const blinded: BlindedToken[] = [];
  for (let i = 0; i < n; i++) {
    const g = generateToken(random);
    tokens.push(g.token);
    blinded.push(g.blinded);
  }
  return { tokens, blinded };
}

/** W = r⁻¹·Q. Call only after the batch proof verified (unblindSignedTokenBatch does). */
export function unblind(token: Token, signed: SignedToken): void {
  token.W = mulElement(signed.Q, scalarInvert(token.r));
}

/** MAC key = SHA3-256(t ‖ encode(W)). [unverified] docs/protocol.md §5.4. */
export function spendMacKey(t: Uint8Array, W: RistrettoPointType): Uint8Array {
  return sha3_256(concatBytes(t, encodeElement(W)));
}

/** HMAC-SHA3-512(key, data); injectable because node:crypto's is ~15x faster than the pure one on 4.5 KiB posts. */
export type HmacSha3_512 = (key: Uint8Array, data: Uint8Array) => Uint8Array;
export const nobleHmacSha3_512: HmacSha3_512 = (key, data) => hmac(sha3_512, key, data);

/** MAC = HMAC-SHA3-512(key, data). [unverified] docs/protocol.md §5.4. */
export function spendMac(t: Uint8Array, W: RistrettoPointType, data: Uint8Array, mac: HmacSha3_512 = nobleHmacSha3_512): Uint8Array {
  return mac(spendMacKey(t, W), data);
}

/** Token.SpendToken(data): the SpentToken for a post whose bound data is `data`. Throws on an unsigned token (a bug). */
export function spendToken(token: Token, data: Uint8Array): SpentToken {
  if (token.W === null) throw new TypeError('privacypass: spending a token that was never signed');
  return { T: Uint8Array.from(token.t), MAC: spendMac(token.t, token.W, data) };
}
