// The AuthMessage both sides send first: {"LongTermPublicKey":b64,"EphemeralPublicKey":b64} (protocol.md §4).
// Encoded exactly as Go encoding/json would; parsed liberally like Go (case-insensitive names, unknown fields
// ignored) but strictly on the values (32-byte keys).

import { fromBase64, fromUtf8Strict, toBase64, utf8 } from '../../bytes.js';
import { fail, ok, type Result } from '../../result.js';
import { AUTH_MESSAGE_FIELDS } from '../wire-constants.js';

export interface AuthMessage {
  readonly longTermPublicKey: Uint8Array;
  readonly ephemeralPublicKey: Uint8Array;
}

/** Go-canonical JSON. Base64 never contains characters Go escapes (<, >, &), so plain concatenation is exact. */
export function encodeAuthMessage(m: AuthMessage): Uint8Array {
  return utf8(
    `{"${AUTH_MESSAGE_FIELDS.longTerm}":"${toBase64(m.longTermPublicKey)}",` +
      `"${AUTH_MESSAGE_FIELDS.ephemeral}":"${toBase64(m.ephemeralPublicKey)}"}`,
  );
}

function key(v: unknown): Uint8Array | null {
  if (typeof v !== 'string') return null;
  const b = fromBase64(v);
  return b !== null && b.length === 32 ? b : null;
}

export function decodeAuthMessage(bytes: Uint8Array): Result<AuthMessage> {
  const text = fromUtf8Strict(bytes);
  if (text === null) return fail('auth.utf8', 'auth message is not UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('auth.json', 'auth message is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('auth.shape', 'auth message is not an object');
  let lt: unknown;
  let eph: unknown;
  // Go matches field names case-insensitively, last occurrence wins.
  for (const [k, v] of Object.entries(parsed)) {
    const lk = k.toLowerCase();
    if (lk === AUTH_MESSAGE_FIELDS.longTerm.toLowerCase()) lt = v;
    else if (lk === AUTH_MESSAGE_FIELDS.ephemeral.toLowerCase()) eph = v;
  }
  const longTermPublicKey = key(lt);
  const ephemeralPublicKey = key(eph);
  if (longTermPublicKey === null || ephemeralPublicKey === null) return fail('auth.keys', 'auth message keys are missing or not 32 bytes');
  return ok({ longTermPublicKey, ephemeralPublicKey });
}
