// The AuthMessage both sides send first: {"LongTermPublicKey":b64,"EphemeralPublicKey":b64} (docs/protocol.md §4).
// Encoded with the shared Go encoding/json encoder; parsed liberally like Go (case-insensitive names, unknown
// fields ignored) but strictly on the values (32-byte keys).

import { encodeGoJsonBytes, getBytes, goJson, parseJsonObject } from '../../codec/go-json.js';
import { fail, ok, type Result } from '../../result.js';
import { AUTH_MESSAGE_FIELDS } from '../wire-constants.js';

export interface AuthMessage {
  readonly longTermPublicKey: Uint8Array;
  readonly ephemeralPublicKey: Uint8Array;
}

/** Go json.Marshal of the AuthMessage struct (fields in declaration order): 136 bytes for two 32-byte keys. */
export function encodeAuthMessage(m: AuthMessage): Uint8Array {
  return encodeGoJsonBytes(
    goJson.object([
      [AUTH_MESSAGE_FIELDS.longTerm, goJson.bytes(m.longTermPublicKey)],
      [AUTH_MESSAGE_FIELDS.ephemeral, goJson.bytes(m.ephemeralPublicKey)],
    ]),
  );
}

export function decodeAuthMessage(bytes: Uint8Array): Result<AuthMessage> {
  const obj = parseJsonObject(bytes);
  if (!obj.ok) return obj;
  const longTermPublicKey = getBytes(obj.value, AUTH_MESSAGE_FIELDS.longTerm);
  const ephemeralPublicKey = getBytes(obj.value, AUTH_MESSAGE_FIELDS.ephemeral);
  if (longTermPublicKey?.length !== 32 || ephemeralPublicKey?.length !== 32) {
    return fail('auth.keys', 'auth message keys are missing or not 32 bytes');
  }
  return ok({ longTermPublicKey, ephemeralPublicKey });
}
