import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../../../src/core/bytes.js';
import { decodeElement, decodeScalar, encodeElement, encodeScalar } from '../../../src/core/crypto/ristretto.js';
import { Transcript, prngFromSeed, TAPIR_TRANSCRIPT_LABEL } from '../../../src/core/crypto/transcript.js';
import { encodeGoJson } from '../../../src/core/codec/go-json.js';
import {
  POW_LABELS,
  TOKEN_APP_LABEL,
  TokenServer,
  decodeSignedBatch,
  encodeBlindedTokens,
  encodeDleqProof,
  encodeSignedBatch,
  goVectorString,
  proveBatch,
  spendMacKey,
  spendToken,
  spentTokenJson,
  tokenFrom,
  unblind,
  verifyBatch,
  decodeSpentToken,
  type BlindedToken,
  type SignedToken,
} from '../../../src/core/privacypass/index.js';
import { powHashOk } from '../../../src/core/tapir/apps/pow-app.js';

const v = JSON.parse(readFileSync(new URL('../../vectors/privacypass.json', import.meta.url), 'utf8'));
const hex = (s: string): Uint8Array => fromHex(s)!;
const el = (s: string) => decodeElement(hex(s))!;
const sc = (s: string) => decodeScalar(hex(s))!;

describe('privacypass.json: token math', () => {
  const k = sc(v.k_scalar_le_hex);
  const server = new TokenServer(k);
  const { token, blinded } = tokenFrom(hex(v.token.t_hex), sc(v.token.r_scalar_le_hex));

  it('Y = k·B', () => expect(toHex(server.publicKey)).toBe(v.Y_hex));
  it('T, P, Q, W', () => {
    expect(toHex(encodeElement(blinded.P))).toBe(v.token.P_blinded_hex);
    const Q = blinded.P.multiply(k);
    expect(toHex(encodeElement(Q))).toBe(v.token.Q_signed_hex);
    unblind(token, { Q });
    expect(toHex(encodeElement(token.W!))).toBe(v.token.W_unblinded_hex);
  });
  it('JSON shapes of BlindedToken and SignedToken', () => {
    expect(new TextDecoder().decode(encodeBlindedTokens([blinded]))).toBe(`[${v.wire_json_examples.BlindedToken}]`);
    const batch = new TextDecoder().decode(encodeSignedBatch([{ Q: blinded.P.multiply(k) }], { c: 1n, s: 2n }));
    expect(batch.startsWith(`{"st":[${v.wire_json_examples.SignedToken}],"dp":`)).toBe(true);
  });
  it('spend MAC and SpentToken JSON; the server accepts it and only for the same data', () => {
    unblind(token, { Q: blinded.P.multiply(k) });
    expect(v.spend.data_utf8).toBe(v.spend.egm_json + v.spend.server_hostname);
    expect(toHex(spendMacKey(token.t, token.W!))).toBe(v.spend.mac_key_hex);
    const spent = spendToken(token, utf8(v.spend.data_utf8));
    expect(toHex(spent.MAC)).toBe(v.spend.mac_hex);
    expect(encodeGoJson(spentTokenJson(spent))).toBe(v.spend.SpentToken_json);
    const back = decodeSpentToken(JSON.parse(v.spend.SpentToken_json));
    expect(back.ok && server.verifySpend(back.value, utf8(v.spend.data_utf8))).toBe(true);
    expect(server.verifySpend(spent, utf8(v.spend.data_utf8 + 'x'))).toBe(false);
    expect(new TokenServer(k + 1n).verifySpend(spent, utf8(v.spend.data_utf8))).toBe(false);
  });
});

describe('privacypass.json: PoW → token-app transcript and batch proof', () => {
  const p = v.pow_and_batch_proof_transcript;
  const k = sc(v.k_scalar_le_hex);
  const Y = el(v.Y_hex);
  const blinded: BlindedToken[] = p.blinded_P_hex.map((h: string) => ({ P: el(h) }));
  const signed: SignedToken[] = p.signed_Q_hex.map((h: string) => ({ Q: el(h) }));

  /** The transcript up to the batch proof, as both sides build it. */
  function powTranscript(): Transcript {
    const tr = new Transcript(TAPIR_TRANSCRIPT_LABEL);
    tr.newProtocol(POW_LABELS.app);
    tr.addToTranscript(POW_LABELS.seed, hex(p.pow_seed_hex));
    expect(toHex(tr.commitToTranscript(POW_LABELS.challenge))).toBe(p.pow_challenge_hex);
    const seedOp = p.transcript_ops.find((o: string[]) => o[1] === POW_LABELS.prng);
    expect(tr.commitToPRNG(POW_LABELS.prng).next()).toBe(prngFromSeed(hex(seedOp[2])).next());
    tr.addToTranscript(POW_LABELS.solution, hex(p.pow_solution_hex));
    tr.newProtocol(TOKEN_APP_LABEL);
    return tr;
  }

  it('the PoW solution meets the difficulty', () => {
    const h = sha256(concatBytes(hex(p.pow_solution_hex), hex(p.pow_challenge_hex)));
    expect(toHex(h)).toBe(p.sha256_solution_challenge_hex);
    expect(powHashOk(hex(p.pow_solution_hex), hex(p.pow_challenge_hex), 16)).toBe(true);
    expect(powHashOk(hex(p.pow_solution_hex), hex(p.pow_challenge_hex), 17)).toBe(h[2]! < 0x80);
  });

  it('Q_i = k·P_i and the %v vector strings', () => {
    blinded.forEach((b, i) => expect(encodeElement(b.P.multiply(k))).toEqual(encodeElement(signed[i]!.Q)));
    expect(goVectorString(blinded.map((b) => b.P))).toBe(p.P_vector_string);
    expect(goVectorString(signed.map((s) => s.Q))).toBe(p.Q_vector_string);
  });

  it('reproduces M, Z, A, B and the proof (C, S) byte for byte', () => {
    const tr = powTranscript();
    const { proof, trace } = proveBatch(tr, k, Y, blinded, signed, sc(p.dleq_t_scalar_le_hex));
    expect(toHex(encodeElement(trace.M))).toBe(p.M_hex);
    expect(toHex(encodeElement(trace.Z))).toBe(p.Z_hex);
    expect(toHex(encodeElement(trace.A))).toBe(p.A_hex);
    expect(toHex(encodeElement(trace.B))).toBe(p.B_hex);
    expect(toHex(encodeScalar(proof.c))).toBe(p.proof.C_le_hex);
    expect(toHex(encodeScalar(proof.s))).toBe(p.proof.S_le_hex);
    expect(new TextDecoder().decode(encodeDleqProof(proof))).toBe(p.proof.json);
  });

  it('the client verifies the recorded proof on its own transcript; any change fails', () => {
    const proof = { c: sc(p.proof.C_le_hex), s: sc(p.proof.S_le_hex) };
    expect(verifyBatch(powTranscript(), Y, blinded, signed, proof)).toBe(true);
    expect(verifyBatch(powTranscript(), Y, blinded, signed, { ...proof, s: proof.s + 1n })).toBe(false);
    expect(verifyBatch(powTranscript(), el(v.token.T_hex), blinded, signed, proof)).toBe(false);
    expect(verifyBatch(powTranscript(), Y, blinded, [signed[1]!, signed[0]!], proof)).toBe(false);
    // A different transcript history (e.g. a different PoW seed) changes every challenge.
    const other = new Transcript(TAPIR_TRANSCRIPT_LABEL);
    expect(verifyBatch(other, Y, blinded, signed, proof)).toBe(false);
  });

  it('SignedBatchWithProof parses with "st"/"dp" and with the Go field names', () => {
    const proof = { c: sc(p.proof.C_le_hex), s: sc(p.proof.S_le_hex) };
    const ours = decodeSignedBatch(encodeSignedBatch(signed, proof), 10);
    expect(ours.ok && ours.value.proof).toEqual(proof);
    const goNames = `{"SignedTokens":${JSON.stringify(p.signed_Q_hex.map((h: string) => ({ Q: Buffer.from(hex(h)).toString('base64') })))},"Proof":${p.proof.json}}`;
    const alt = decodeSignedBatch(utf8(goNames), 10);
    expect(alt.ok && alt.value.signed.map((s) => toHex(encodeElement(s.Q)))).toEqual(p.signed_Q_hex);
  });
});
