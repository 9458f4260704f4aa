// JSON shapes of privacy pass on the wire (docs/protocol.md §5.3–§5.4), Go encoding/json-exact on output and liberal on
// input. Decoders are total: hostile input is an error value.

import { fromBase64 } from '../bytes.js';
import { encodeGoJsonBytes, getField, goJson, parseJsonObject, type GoJsonValue } from '../codec/go-json.js';
import { elementFromBase64, elementToBase64, scalarFromBase64, scalarToBase64 } from '../crypto/ristretto.js';
import { fail, ok, type Result } from '../result.js';
import { SIGNED_BATCH_FIELDS, SIGNED_BATCH_FIELDS_ALT, SPENT_TOKEN_FIELDS, TOKEN_MAC_BYTES, TOKEN_T_BYTES } from './constants.js';
import type { DleqProof } from './dleq.js';
import type { BlindedToken, SignedToken, SpentToken } from './token.js';

const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

function parseAny(b: Uint8Array): unknown {
  try {
    return JSON.parse(lossy.decode(b));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** []BlindedToken → `[{"P":"…"},…]`. */
export function encodeBlindedTokens(blinded: readonly BlindedToken[]): Uint8Array {
  return encodeGoJsonBytes(goJson.array(blinded.map((b) => goJson.object([['P', goJson.string(elementToBase64(b.P))]]))));
}

/** At most `max` entries; every P a canonical, non-identity element. */
export function decodeBlindedTokens(b: Uint8Array, max: number): Result<BlindedToken[]> {
  const v = parseAny(b);
  if (!Array.isArray(v)) return fail('pp.json', 'blinded tokens are not a JSON array');
  if (v.length === 0 || v.length > max) return fail('pp.count', 'wrong number of blinded tokens');
  const out: BlindedToken[] = [];
  for (const item of v) {
    const s = isObject(item) ? getField(item, 'P') : undefined;
    const P = typeof s === 'string' ? elementFromBase64(s) : null;
    if (P === null || P.is0()) return fail('pp.element', 'a blinded token is not a valid element');
    out.push({ P });
  }
  return ok(out);
}

function proofJson(p: DleqProof): GoJsonValue {
  return goJson.object([
    ['C', goJson.string(scalarToBase64(p.c))],
    ['S', goJson.string(scalarToBase64(p.s))],
  ]);
}

export function encodeDleqProof(p: DleqProof): Uint8Array {
  return encodeGoJsonBytes(proofJson(p));
}

/** SignedBatchWithProof → `{"st":[{"Q":"…"}],"dp":{"C":"…","S":"…"}}` (names [unverified], constants.ts). */
export function encodeSignedBatch(signed: readonly SignedToken[], proof: DleqProof): Uint8Array {
  return encodeGoJsonBytes(
    goJson.object([
      [SIGNED_BATCH_FIELDS.tokens, goJson.array(signed.map((s) => goJson.object([['Q', goJson.string(elementToBase64(s.Q))]])))],
      [SIGNED_BATCH_FIELDS.proof, proofJson(proof)],
    ]),
  );
}

/** Accepts "st"/"dp" and the Go field names "SignedTokens"/"Proof". */
export function decodeSignedBatch(b: Uint8Array, max: number): Result<{ signed: SignedToken[]; proof: DleqProof }> {
  const parsed = parseJsonObject(b);
  if (!parsed.ok) return fail('pp.json', 'the signed batch is not a JSON object');
  const o = parsed.value;
  const list = getField(o, SIGNED_BATCH_FIELDS.tokens) ?? getField(o, SIGNED_BATCH_FIELDS_ALT.tokens);
  const proofObj = getField(o, SIGNED_BATCH_FIELDS.proof) ?? getField(o, SIGNED_BATCH_FIELDS_ALT.proof);
  if (!Array.isArray(list) || list.length === 0 || list.length > max) return fail('pp.count', 'wrong number of signed tokens');
  if (!isObject(proofObj)) return fail('pp.proof', 'the signed batch has no proof');
  const signed: SignedToken[] = [];
  for (const item of list) {
    const s = isObject(item) ? getField(item, 'Q') : undefined;
    const Q = typeof s === 'string' ? elementFromBase64(s) : null;
    if (Q === null) return fail('pp.element', 'a signed token is not a valid element');
    signed.push({ Q });
  }
  const c = getField(proofObj, 'C');
  const s = getField(proofObj, 'S');
  const cs = typeof c === 'string' ? scalarFromBase64(c) : null;
  const ss = typeof s === 'string' ? scalarFromBase64(s) : null;
  if (cs === null || ss === null) return fail('pp.proof', 'the proof scalars are malformed');
  return ok({ signed, proof: { c: cs, s: ss } });
}

export function spentTokenJson(t: SpentToken): GoJsonValue {
  return goJson.object([
    [SPENT_TOKEN_FIELDS.t, goJson.bytes(t.T)],
    [SPENT_TOKEN_FIELDS.mac, goJson.bytes(t.MAC)],
  ]);
}

/** From an already-parsed JSON value (it sits inside a PostRequest). Sizes are checked exactly. */
export function decodeSpentToken(v: unknown): Result<SpentToken> {
  if (!isObject(v)) return fail('pp.token', 'the token is not an object');
  const t = getField(v, SPENT_TOKEN_FIELDS.t);
  const m = getField(v, SPENT_TOKEN_FIELDS.mac);
  const T = typeof t === 'string' ? fromBase64(t) : null;
  const MAC = typeof m === 'string' ? fromBase64(m) : null;
  if (T === null || T.length !== TOKEN_T_BYTES) return fail('pp.token-t', 'the token value is malformed');
  if (MAC === null || MAC.length !== TOKEN_MAC_BYTES) return fail('pp.token-mac', 'the token MAC is malformed');
  return ok({ T, MAC });
}
