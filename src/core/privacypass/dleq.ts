// The batch DLEQ proof on the connection's shared transcript (docs/protocol.md §5.3): the server proves that every
// Q_i = k·P_i for the k behind its public Y = k·B, without revealing k. [unverified: tapir primitives/privacypass]

import { utf8 } from '../bytes.js';
import {
  BASEPOINT,
  IDENTITY,
  encodeElement,
  mulElement,
  scalarMul,
  scalarSub,
  type RistrettoPointType,
} from '../crypto/ristretto.js';
import type { Transcript } from '../crypto/transcript.js';
import { BATCH_LABELS, DLEQ_LABELS } from './constants.js';
import type { BlindedToken, SignedToken } from './token.js';
import { elementToBase64 } from '../crypto/ristretto.js';

export interface DleqProof {
  readonly c: bigint;
  readonly s: bigint;
}

/**
 * Go fmt.Sprintf("%v", slice) of []BlindedToken / []SignedToken: `[` + `{<base64>}` joined by one space + `]`
 * (each struct holds one *Element whose String() is base64). [unverified] docs/protocol.md §5.3.
 */
export function goVectorString(points: readonly RistrettoPointType[]): string {
  return '[' + points.map((p) => `{${elementToBase64(p)}}`).join(' ') + ']';
}

/** The batch prefix both sides replay: labels, %v vectors, then c_i from the PRNG → (M, Z). */
function batchCombine(
  tr: Transcript,
  Y: RistrettoPointType,
  blinded: readonly BlindedToken[],
  signed: readonly SignedToken[],
): { M: RistrettoPointType; Z: RistrettoPointType } {
  tr.newProtocol(BATCH_LABELS.protocol);
  tr.addToTranscript(BATCH_LABELS.x, encodeElement(BASEPOINT));
  tr.addToTranscript(BATCH_LABELS.y, encodeElement(Y));
  tr.addToTranscript(BATCH_LABELS.pVector, utf8(goVectorString(blinded.map((b) => b.P))));
  tr.addToTranscript(BATCH_LABELS.qVector, utf8(goVectorString(signed.map((s) => s.Q))));
  const prng = tr.commitToPRNG(BATCH_LABELS.prng);
  let M = IDENTITY;
  let Z = IDENTITY;
  for (let i = 0; i < blinded.length; i++) {
    const c = prng.next();
    M = M.add(mulElement(blinded[i]!.P, c));
    Z = Z.add(mulElement(signed[i]!.Q, c));
  }
  return { M, Z };
}

function dleqChallenge(
  tr: Transcript,
  Y: RistrettoPointType,
  M: RistrettoPointType,
  Z: RistrettoPointType,
  A: RistrettoPointType,
  B: RistrettoPointType,
): bigint {
  tr.addToTranscript(DLEQ_LABELS.x, encodeElement(BASEPOINT));
  tr.addToTranscript(DLEQ_LABELS.y, encodeElement(Y));
  tr.addToTranscript(DLEQ_LABELS.p, encodeElement(M));
  tr.addToTranscript(DLEQ_LABELS.q, encodeElement(Z));
  tr.addToTranscript(DLEQ_LABELS.a, encodeElement(A));
  tr.addToTranscript(DLEQ_LABELS.b, encodeElement(B));
  return tr.commitToTranscriptScalar(DLEQ_LABELS.challenge);
}

/** Intermediate values, exposed for the vector test. */
export interface BatchProofTrace {
  readonly M: RistrettoPointType;
  readonly Z: RistrettoPointType;
  readonly A: RistrettoPointType;
  readonly B: RistrettoPointType;
}

/** Server: prove the batch with nonce `t` (a fresh random scalar, never reused). */
export function proveBatch(
  tr: Transcript,
  k: bigint,
  Y: RistrettoPointType,
  blinded: readonly BlindedToken[],
  signed: readonly SignedToken[],
  t: bigint,
): { proof: DleqProof; trace: BatchProofTrace } {
  const { M, Z } = batchCombine(tr, Y, blinded, signed);
  const A = mulElement(BASEPOINT, t);
  const B = mulElement(M, t);
  const c = dleqChallenge(tr, Y, M, Z, A, B);
  return { proof: { c, s: scalarSub(t, scalarMul(c, k)) }, trace: { M, Z, A, B } };
}

/** Client: true iff the proof shows Q_i = k·P_i for Y = k·B. Lengths must match and be non-zero. */
export function verifyBatch(
  tr: Transcript,
  Y: RistrettoPointType,
  blinded: readonly BlindedToken[],
  signed: readonly SignedToken[],
  proof: DleqProof,
): boolean {
  if (blinded.length === 0 || blinded.length !== signed.length) return false;
  const { M, Z } = batchCombine(tr, Y, blinded, signed);
  const A = mulElement(BASEPOINT, proof.s).add(mulElement(Y, proof.c));
  const B = mulElement(M, proof.s).add(mulElement(Z, proof.c));
  const c = dleqChallenge(tr, Y, M, Z, A, B);
  return c === proof.c;
}
