import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.js';
import { MerlinTranscript } from '../../../src/core/crypto/merlin.js';
import { IDENTITY, decodeElement, encodeElement, encodeScalar, mulElement, scalarFromUniformBytes } from '../../../src/core/crypto/ristretto.js';
import { NEW_PROTOCOL_LABEL, TAPIR_TRANSCRIPT_LABEL, Transcript, prngFromSeed, type TranscriptPrng } from '../../../src/core/crypto/transcript.js';
import { hex, loadVector } from '../../vectors/load.js';

type Op = [string, string, string?];

const pp = loadVector<{
  pow_and_batch_proof_transcript: {
    transcript_ops: Op[];
    blinded_P_hex: string[];
    signed_Q_hex: string[];
    M_hex: string;
    Z_hex: string;
    proof: { C_le_hex: string };
  };
}>('privacypass').pow_and_batch_proof_transcript;
const auth = loadVector<{ transcript_challenge: { ops: Op[]; challenge_64_hex: string } }>('auth_3dh').transcript_challenge;

/**
 * Replays a vector op list on a Transcript and, in parallel, on a raw Merlin transcript (which checks that each
 * recorded CommitToPRNG value is the 64-byte extract that seeds the PRNG). Returns the PRNGs by label.
 */
function replay(ops: Op[]): { t: Transcript; prngs: Map<string, TranscriptPrng> } {
  const t = new Transcript(TAPIR_TRANSCRIPT_LABEL);
  const m = new MerlinTranscript(TAPIR_TRANSCRIPT_LABEL);
  const prngs = new Map<string, TranscriptPrng>();
  for (const [op, label, value] of ops) {
    if (op === 'NewProtocol') {
      t.newProtocol(label);
      m.appendMessage(NEW_PROTOCOL_LABEL, utf8(label));
    } else if (op === 'AddToTranscript') {
      t.addToTranscript(label, hex(value!));
      m.appendMessage(label, hex(value!));
    } else if (op === 'CommitToTranscript') {
      expect(toHex(t.commitToTranscript(label)), label).toBe(value);
      m.challengeBytes(label, 64);
    } else if (op === 'CommitToPRNG') {
      const prng = t.commitToPRNG(label);
      const seed = m.challengeBytes(label, 64);
      expect(toHex(seed), label).toBe(value);
      // The Transcript's PRNG is the SHAKE-256 stream of exactly that seed.
      const probe = prngFromSeed(seed);
      if (label === 'w') prngs.set(label, prng); // used below to rebuild M and Z
      else expect(prng.next()).toBe(probe.next());
    } else throw new Error(`unknown op ${op}`);
  }
  return { t, prngs };
}

describe('tapir Transcript', () => {
  it('reproduces the auth challenge of auth_3dh.json', () => {
    replay(auth.ops);
  });

  it('reproduces the PoW → token-app transcript of privacypass.json, including the batch PRNG weights', () => {
    const { prngs } = replay(pp.transcript_ops);
    // M = Σ c_i·P_i with c_i = prng("w").next(): this checks the SHAKE-256 PRNG, not just its seed.
    const w = prngs.get('w')!;
    let M = IDENTITY;
    let Z = IDENTITY;
    pp.blinded_P_hex.forEach((p, i) => {
      const c = w.next();
      M = M.add(mulElement(decodeElement(hex(p))!, c));
      Z = Z.add(mulElement(decodeElement(hex(pp.signed_Q_hex[i]!))!, c));
    });
    expect(toHex(encodeElement(M))).toBe(pp.M_hex);
    expect(toHex(encodeElement(Z))).toBe(pp.Z_hex);
    const c = pp.transcript_ops.at(-1)!;
    expect(toHex(encodeScalar(scalarFromUniformBytes(hex(c[2]!))))).toBe(pp.proof.C_le_hex);
  });

  it('commitToTranscriptScalar and commitToGenerator are the 64-byte commitment mapped', () => {
    const a = new Transcript('x');
    const b = new Transcript('x');
    const bytes = a.commitToTranscript('l');
    expect(b.commitToTranscriptScalar('l')).toBe(scalarFromUniformBytes(bytes));
    const g1 = new Transcript('x').commitToGenerator('l');
    const g2 = new Transcript('x').commitToGenerators('l', 2);
    expect(g2).toHaveLength(2);
    expect(g1.equals(g2[0]!)).toBe(false); // label "l" vs "l-0"
  });

  it('addElementToTranscript equals addToTranscript of the encoding and refuses other lengths', () => {
    const e = encodeElement(mulElement(IDENTITY, 0n));
    const a = new Transcript('x');
    const b = new Transcript('x');
    a.addElementToTranscript('P', e);
    b.addToTranscript('P', e);
    expect(toHex(a.commitToTranscript('c'))).toBe(toHex(b.commitToTranscript('c')));
    expect(() => a.addElementToTranscript('P', new Uint8Array(31))).toThrow(RangeError);
  });
});
