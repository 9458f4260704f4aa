// The board's hot path for a PostRequest in exactly the bytes Go's encoding/json (and our encodeBoardMessage) writes:
// {"MessageType":2,"PostRequest":{"Token":{"T":"…","MAC":"…"},"EGM":{"Ciphertext":"…","Signature":"…"}}}
// decoded without the general JSON parser and with Node's native base64, and the EGM's bytes in the packet are
// already EGM.ToBytes(), so the token's spend data is them ‖ the onion (docs/protocol.md §5.4, §7.5) instead of a
// re-encoding. Anything else (other spacing, order, escapes, sizes, non-canonical base64) is null: the caller uses
// decodeBoardMessage, whose answer this equals wherever it answers (test/server/post-request.test.ts).

import type { BoardMessage } from '../core/groups/board-messages.js';
import { BOARD_SIGNATURE_BYTES } from '../core/limits.js';
import { TOKEN_MAC_BYTES, TOKEN_T_BYTES } from '../core/privacypass/constants.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HEAD = ascii('{"MessageType":2,"PostRequest":{"Token":{"T":"');
const MAC = ascii('","MAC":"');
const EGM = ascii('"},"EGM":');
const CIPHERTEXT = ascii('{"Ciphertext":"');
const SIGNATURE = ascii('","Signature":"');
const TAIL = ascii('"}}}');
/** Base64 of the 32-byte T, and of the 64-byte MAC and signature. */
const B64_32 = 44;
const B64_64 = 88;

const T_AT = HEAD.length;
const MAC_AT = T_AT + B64_32 + MAC.length;
const EGM_AT = MAC_AT + B64_64 + EGM.length;
const CT_AT = EGM_AT + CIPHERTEXT.length;

export interface ExactPost {
  readonly message: Extract<BoardMessage, { type: 'post-request' }>;
  /** The bytes the token's MAC covers: the EGM as sent (= encodeEgm of it) ‖ the server's onion. */
  readonly spendData: Uint8Array;
}

function at(b: Uint8Array, off: number, lit: Uint8Array): boolean {
  if (off < 0 || off + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[off + i] !== lit[i]) return false;
  return true;
}

/** Strict base64 of buf[start, end): the bytes only if re-encoding them gives the same text (padded, canonical). */
function b64(buf: Buffer, start: number, end: number): Uint8Array | null {
  const text = buf.toString('latin1', start, end);
  const out = Buffer.from(text, 'base64');
  if (out.toString('base64') !== text) return null;
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The post in `b` if it has exactly the shape above; `onion` is the board's (56 ASCII characters). */
export function decodeExactPost(b: Uint8Array, onion: Uint8Array): ExactPost | null {
  const sigAt = b.length - TAIL.length - B64_64;
  const ctEnd = sigAt - SIGNATURE.length;
  if (ctEnd < CT_AT || !at(b, 0, HEAD) || !at(b, T_AT + B64_32, MAC) || !at(b, MAC_AT + B64_64, EGM) || !at(b, EGM_AT, CIPHERTEXT)) return null;
  if (!at(b, ctEnd, SIGNATURE) || !at(b, b.length - TAIL.length, TAIL)) return null;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const T = b64(buf, T_AT, T_AT + B64_32);
  const mac = T === null ? null : b64(buf, MAC_AT, MAC_AT + B64_64);
  const signature = mac === null ? null : b64(buf, sigAt, sigAt + B64_64);
  const ciphertext = signature === null ? null : b64(buf, CT_AT, ctEnd);
  // A quote or backslash inside a run fails the base64 check, so each run is one JSON string as the parser sees it.
  if (T === null || mac === null || signature === null || ciphertext === null) return null;
  // Other sizes (44 base64 characters can also be 31 or 33 bytes) are the general decoder's to judge.
  if (T.length !== TOKEN_T_BYTES || mac.length !== TOKEN_MAC_BYTES || signature.length !== BOARD_SIGNATURE_BYTES) return null;
  const egmEnd = b.length - TAIL.length + 2;
  const spendData = new Uint8Array(egmEnd - EGM_AT + onion.length);
  spendData.set(b.subarray(EGM_AT, egmEnd), 0);
  spendData.set(onion, egmEnd - EGM_AT);
  return { message: { type: 'post-request', token: { T, MAC: mac }, egm: { ciphertext, signature } }, spendData };
}
