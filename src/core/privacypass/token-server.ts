// The token server (tapir primitives/privacypass TokenServer): signs blinded batches with a DLEQ proof and checks
// spent tokens. Which tokens are spent is the caller's storage (the Cwtch server keeps it durable, in the same
// transaction as the post it pays for). docs/protocol.md §5.3–§5.4.

import { constantTimeEqual } from '../bytes.js';
import {
  BASEPOINT,
  UNIFORM_BYTES,
  encodeElement,
  mulElement,
  scalarFromUniformBytes,
  type RistrettoPointType,
} from '../crypto/ristretto.js';
import type { Transcript } from '../crypto/transcript.js';
import type { Random } from '../ports.js';
import { proveBatch, type DleqProof } from './dleq.js';
import { nobleHmacSha3_512, spendMacKey, tokenPoint, type BlindedToken, type HmacSha3_512, type SignedToken, type SpentToken } from './token.js';

/** s·P, constant-time in s. The pure default is mulElement; src/app can inject a native one (it runs on every post). */
export type ElementMul = (p: RistrettoPointType, s: bigint) => RistrettoPointType;

/** Faster implementations of the per-post primitives, injected by src/app; pure ones by default. */
export interface TokenServerOps {
  readonly mul?: ElementMul;
  readonly hmacSha3_512?: HmacSha3_512;
  /** spendMacKey(t, k·tokenPoint(t)) in one native-backed step (the spend check's whole curve cost). */
  readonly spendMacKey?: (t: Uint8Array, k: bigint) => Uint8Array;
}

export class TokenServer {
  readonly Y: RistrettoPointType;

  /** `k` is the secret scalar (config tokenServiceK). */
  private readonly mul: ElementMul;
  private readonly mac: HmacSha3_512;
  private readonly macKey: ((t: Uint8Array, k: bigint) => Uint8Array) | undefined;

  constructor(
    private readonly k: bigint,
    ops: TokenServerOps = {},
  ) {
    this.mul = ops.mul ?? mulElement;
    this.mac = ops.hmacSha3_512 ?? nobleHmacSha3_512;
    this.macKey = ops.spendMacKey;
    if (k === 0n) throw new RangeError('privacypass: the server key must not be zero');
    this.Y = mulElement(BASEPOINT, k);
  }

  /** A fresh server key from 64 random bytes (SetUniformBytes, as cwtch-server serverConfig.go). */
  static generateKey(random: Random): bigint {
    let k = 0n;
    while (k === 0n) k = scalarFromUniformBytes(random.bytes(UNIFORM_BYTES));
    return k;
  }

  get publicKey(): Uint8Array {
    return encodeElement(this.Y);
  }

  /** SignBlindedTokenBatch: Q_i = k·P_i and the batch proof on `tr` (the connection's transcript). */
  signBlindedTokenBatch(
    blinded: readonly BlindedToken[],
    tr: Transcript,
    random: Random,
  ): { signed: SignedToken[]; proof: DleqProof } {
    const signed = blinded.map((b) => ({ Q: this.mul(b.P, this.k) }));
    let t = 0n;
    while (t === 0n) t = scalarFromUniformBytes(random.bytes(UNIFORM_BYTES));
    return { signed, proof: proveBatch(tr, this.k, this.Y, blinded, signed, t).proof };
  }

  /**
   * The MAC half of SpendToken: recompute W = k·T from t and compare MACs in constant time. Whether t was spent
   * before is the caller's check (it must be atomic with recording the spend).
   */
  verifySpend(token: SpentToken, data: Uint8Array): boolean {
    const key = this.macKey?.(token.T, this.k) ?? spendMacKey(token.T, this.mul(tokenPoint(token.T), this.k));
    return constantTimeEqual(this.mac(key, data), token.MAC);
  }
}
