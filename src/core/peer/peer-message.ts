// PeerMessage envelope (docs/protocol.md §6.1, §6.2): v1 = Go JSON {"ID","Context","Data"(base64)},
// v2 = raw `ID|Context|Data`. Version negotiation: the first message after auth is a v1 getVal with
// ID "im.cwtch.version" and Data [0x02]; on receiving it we switch our *sending* format to v2.
// [unverified: cwtch protocol/connections/peerapp.go] — the choices live in this one module.

import { concatBytes, fromUtf8Strict, toBase64, utf8 } from '../bytes.js';
import { getBytes, getField, parseJsonObject } from '../codec/go-json.js';
import { fail, ok, type Result } from '../result.js';

export const CONTEXT_RAW = 'im.cwtch.raw';
export const CONTEXT_ACK = 'im.cwtch.acknowledgement';
export const CONTEXT_GET_VAL = 'im.cwtch.getVal';
export const CONTEXT_RET_VAL = 'im.cwtch.retVal';
export const VERSION_ID = 'im.cwtch.version';
/** The protocol version we announce (v2 framing). [unverified] */
export const PEER_PROTOCOL_VERSION = 2;

export interface PeerMessage {
  readonly id: string;
  readonly context: string;
  readonly data: Uint8Array;
}

export type Framing = 1 | 2;

const TOKEN = /^[A-Za-z0-9.]{1,128}$/;
/** IDs and contexts are restricted so the v2 `|` framing is unambiguous. */
export function isValidToken(s: string): boolean {
  return TOKEN.test(s);
}

export function encodePeerMessage(m: PeerMessage, framing: Framing): Uint8Array {
  if (!isValidToken(m.id) || !isValidToken(m.context)) throw new RangeError('peer message id/context must be [A-Za-z0-9.]');
  if (framing === 2) return concatBytes(utf8(`${m.id}|${m.context}|`), m.data);
  // Go json.Marshal of PeerMessage; ID/Context need no escaping (restricted alphabet), Data is base64.
  return utf8(`{"ID":"${m.id}","Context":"${m.context}","Data":"${toBase64(m.data)}"}`);
}

/**
 * Decode either framing. JSON first when it looks like JSON (v1 peers), else v2.
 * Never throws; hostile input gives an error value and the caller closes the connection.
 */
export function decodePeerMessage(b: Uint8Array): Result<PeerMessage & { framing: Framing }> {
  if (b.length === 0) return fail('peer.empty', 'empty peer message');
  if (b[0] === 0x7b /* { */) {
    const v1 = decodeV1(b);
    if (v1.ok) return v1;
  }
  const first = b.indexOf(0x7c);
  const second = first < 0 ? -1 : b.indexOf(0x7c, first + 1);
  if (first < 0 || second < 0) return fail('peer.framing', 'not a v1 or v2 peer message');
  const id = fromUtf8Strict(b.subarray(0, first));
  const context = fromUtf8Strict(b.subarray(first + 1, second));
  if (id === null || context === null || !isValidToken(id) || !isValidToken(context)) return fail('peer.token', 'bad id or context');
  return ok({ id, context, data: b.slice(second + 1), framing: 2 });
}

function decodeV1(b: Uint8Array): Result<PeerMessage & { framing: Framing }> {
  const parsed = parseJsonObject(b);
  if (!parsed.ok) return fail('peer.json', 'invalid JSON');
  const id = getField(parsed.value, 'ID');
  const context = getField(parsed.value, 'Context');
  if (typeof id !== 'string' || typeof context !== 'string' || !isValidToken(id) || !isValidToken(context)) {
    return fail('peer.token', 'bad id or context');
  }
  // nil Data (null or absent) is an empty message, as Go decodes it.
  const bytes = getBytes(parsed.value, 'Data');
  if (bytes === undefined && getField(parsed.value, 'Data') !== undefined) return fail('peer.data', 'Data is not base64');
  return ok({ id, context, data: bytes ?? new Uint8Array(0), framing: 1 });
}

export function versionAnnouncement(): PeerMessage {
  return { id: VERSION_ID, context: CONTEXT_GET_VAL, data: Uint8Array.of(PEER_PROTOCOL_VERSION) };
}

export function isVersionAnnouncement(m: PeerMessage): number | null {
  if (m.id !== VERSION_ID || m.context !== CONTEXT_GET_VAL || m.data.length !== 1) return null;
  return m.data[0]!;
}

export function ackFor(id: string): PeerMessage {
  return { id, context: CONTEXT_ACK, data: new Uint8Array(0) };
}
