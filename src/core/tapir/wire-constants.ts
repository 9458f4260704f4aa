// Every Tapir wire detail that is [unverified] against a running Go peer lives here, so a correction after
// the confirmation procedure of docs/protocol.md §11 touches this one file. Each entry names its section.

import { sha3_256 } from '@noble/hashes/sha3.js';
import type { Pbkdf2 } from '../crypto/backend.js';
import { KDF_ITERATIONS, MAX_ENCRYPTED_PAYLOAD, MAX_PLAINTEXT_PAYLOAD, PACKET_SIZE } from '../limits.js';

export { PACKET_SIZE, MAX_PLAINTEXT_PAYLOAD, MAX_ENCRYPTED_PAYLOAD };

/** secretbox nonce and tag sizes (NaCl). */
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
/**
 * [unverified: tapir service.go] Only the first 8192 − 40 bytes of the plaintext packet are sealed, so the sealed
 * packet nonce(24) ‖ tag(16) ‖ ct(8152) is again exactly 8192 bytes. docs/protocol.md §1.3, §11 step 2.
 */
export const SEALED_REGION = PACKET_SIZE - NONCE_BYTES - TAG_BYTES;

/**
 * [unverified: tapir service.go Send/Expect] The 2-byte length prefix is Go binary.PutUvarint into buffer[0:2]
 * (LEB128), not a fixed uint16: 136 → 88 01. docs/protocol.md §1.2, §11 step 1.
 * Returns null when `len` needs more than two varint bytes.
 */
export function encodeLengthPrefix(len: number): Uint8Array | null {
  if (!Number.isInteger(len) || len < 0 || len >= 1 << 14) return null;
  if (len < 0x80) return Uint8Array.of(len, 0);
  return Uint8Array.of((len & 0x7f) | 0x80, len >> 7);
}

/**
 * Go binary.Uvarint(buffer[0:2]). A prefix whose both bytes carry the continuation bit does not fit in two
 * bytes (Go returns n = 0, length 0, read as "closed"); we report null and the connection closes.
 */
export function decodeLengthPrefix(b0: number, b1: number): number | null {
  if (b0 < 0x80) return b0;
  if (b1 < 0x80) return (b0 & 0x7f) | (b1 << 7);
  return null;
}

/** Label of the one transcript per connection (TranscriptApp.Init). [unverified] docs/protocol.md §3.2; defined with Transcript. */
export { TAPIR_TRANSCRIPT_LABEL as TRANSCRIPT_LABEL, COMMIT_BYTES as AUTH_CHALLENGE_BYTES } from '../crypto/transcript.js';
/** NewProtocol label the auth app adds before the handbook's five labels. [unverified] docs/protocol.md §4 step 7. */
export const AUTH_PROTOCOL_LABEL = 'auth-app';
/** The five challenge labels, in order. [source: handbook tapir] docs/protocol.md §4 step 7. */
export const AUTH_LABELS = {
  outboundHostname: 'outbound-hostname',
  inboundHostname: 'inbound-hostname',
  outboundChallenge: 'outbound-challenge',
  inboundChallenge: 'inbound-challenge',
  challenge: '3dh-auth-challenge',
} as const;

/** [source: pkg.go.dev tapir/applications] capability granted by the auth app. */
export const AUTH_CAPABILITY = 'AuthenticationCapability';

/**
 * [unverified: field names, tapir applications/auth.go] The AuthMessage JSON, Go struct field order.
 * Both values are base64 of 32 bytes, which never need JSON escaping, so this is exactly Go's encoding/json
 * output (136 bytes for two 32-byte keys). docs/protocol.md §4.
 */
export const AUTH_MESSAGE_FIELDS = { longTerm: 'LongTermPublicKey', ephemeral: 'EphemeralPublicKey' } as const;

export type SessionKdf = 'sha3-256' | 'pbkdf2-sha3-512';
/**
 * [unverified: tapir Perform3DH] The session key from the 96-byte 3DH secret DH1‖DH2‖DH3. Primary SHA3-256; the
 * named alternative to try against a Go peer is PBKDF2-HMAC-SHA3-512(secret, secret, 4096, 32). docs/protocol.md §4 step 6.
 */
export const SESSION_KDF: SessionKdf = 'sha3-256';

export function deriveSessionKey(secret: Uint8Array, kdf: SessionKdf = SESSION_KDF, pbkdf2?: Pbkdf2): Uint8Array {
  if (kdf === 'sha3-256') return sha3_256(secret);
  if (pbkdf2 === undefined) throw new TypeError('the PBKDF2 session KDF needs a Pbkdf2 implementation');
  return pbkdf2('sha3-512', secret, secret, KDF_ITERATIONS, 32);
}
