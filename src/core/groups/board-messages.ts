// Token-board wire messages (docs/protocol.md §7.5): Go groups.Message {MessageType; PostRequest; PostResult;
// NewMessage; ReplayRequest; ReplayResult} with every sub-object omitempty, and the raw EncryptedGroupMessage JSON
// sent during a replay. Encoders write Go encoding/json bytes; decoders are total (hostile input → error value).

import { base64DecodedLength, base64EncodeInto, base64Length, fromBase64Bytes, fromBase64BytesInto, utf8 } from '../bytes.js';
import { encodeGoJsonBytes, getBool, getBytes, getField, getInt, goJson, parseJsonObject, type GoJsonField, type GoJsonValue } from '../codec/go-json.js';
import { decodeSpentToken, spentTokenJson } from '../privacypass/wire.js';
import type { SpentToken } from '../privacypass/token.js';
import { fail, ok, type Result } from '../result.js';

/** [source: first value] [unverified: order of the rest, cwtch protocol/groups/common.go] docs/protocol.md §7.5, §11. */
export const MESSAGE_TYPE = {
  ReplayRequest: 0,
  ReplayResult: 1,
  PostRequest: 2,
  PostResult: 3,
  NewMessage: 4,
} as const;

/** Set on a connection once its replay is done: it then receives live NewMessage broadcasts. [source] */
export const SERVER_SYNCED_CAPABILITY = 'CwtchServerSyncedCapability';

/**
 * Our extension to ReplayResult: true when the client's LastCommit was unknown (pruned, or another server's) and
 * the server therefore sent everything. Go's json.Unmarshal ignores unknown members, so Go clients are unaffected;
 * our clients use it to tell a full resync from a normal catch-up.
 */
export const FULL_RESYNC_FIELD = 'FullResync';

/**
 * Our extension to PostResult (docs/protocol.md §12.2): on a refusal for rate, how long (ms) the server will keep
 * refusing this connection's posts; the token was not spent, so the same post may be sent again with it. Absent on
 * any other refusal (the token may be spent) and from Go servers. Go's json.Unmarshal ignores it.
 */
export const RETRY_AFTER_FIELD = 'RetryAfterMs';

/**
 * Our extension to ReplayRequest and ReplayResult (docs/sync-extension.md): the client asks for packed replay with
 * the packing version it speaks, and only a server that will pack answers with the version it uses. Go's
 * json.Unmarshal ignores the member both ways, so a Go server replays plainly and a Go client never asks.
 */
export const PACKING_FIELD = 'Packing';

/**
 * Our extensions for time windows (docs/sync-extension.md §10), ignored by Go both ways. Request: "Since" (unix
 * seconds: replay only windows that end after it; ignored when LastCommit is known and later) and "Estimate" (answer
 * with the cost only, send nothing). Result: "Since" and "Window" (the window start used and the window width, both
 * seconds: the server applied Since), "Estimate" (this is an estimate) with "Packets" (the replay's packets).
 */
export const SINCE_FIELD = 'Since';
export const WINDOW_FIELD = 'Window';
export const ESTIMATE_FIELD = 'Estimate';
export const PACKETS_FIELD = 'Packets';

export interface EncryptedGroupMessage {
  readonly ciphertext: Uint8Array;
  readonly signature: Uint8Array;
}

export type BoardMessage =
  /**
   * packing: the packed-replay version asked for (PACKING_FIELD); since: unix seconds (SINCE_FIELD); estimate: the
   * cost only (ESTIMATE_FIELD). All absent from Go clients.
   */
  | { readonly type: 'replay-request'; readonly lastCommit: Uint8Array | null; readonly packing?: number; readonly since?: number; readonly estimate?: boolean }
  /**
   * packing: the version the EGMs that follow are packed in; absent when they are raw (always, from Go servers).
   * since/window: the window start the server replays from and its window width (seconds), when it applied Since.
   * estimate: nothing follows; packets is what the replay would take.
   */
  | {
      readonly type: 'replay-result';
      readonly numMessages: number;
      readonly fullResync: boolean;
      readonly packing?: number;
      readonly since?: number;
      readonly window?: number;
      readonly estimate?: boolean;
      readonly packets?: number;
    }
  /** token is null when it is malformed (wrong sizes): Go would parse it and then fail the spend → Success:false. */
  | { readonly type: 'post-request'; readonly token: SpentToken | null; readonly egm: EncryptedGroupMessage }
  /** retryAfterMs: a refusal for rate (RETRY_AFTER_FIELD); only with success false. */
  | { readonly type: 'post-result'; readonly success: boolean; readonly retryAfterMs?: number }
  | { readonly type: 'new-message'; readonly egm: EncryptedGroupMessage }
  /** A MessageType we do not know: Go's server ignores it, and so do we. */
  | { readonly type: 'unknown'; readonly messageType: number };

function egmJson(egm: EncryptedGroupMessage): GoJsonValue {
  return goJson.object([
    ['Ciphertext', goJson.bytes(egm.ciphertext)],
    ['Signature', goJson.bytes(egm.signature)],
  ]);
}

// The EGM's exact Go bytes are {"Ciphertext":"<b64>","Signature":"<b64>"} (both fields are non-nil slices here),
// so the replay path writes and reads that shape directly instead of going through the general codec and strings.
const EGM_HEAD = utf8('{"Ciphertext":"');
const EGM_MID = utf8('","Signature":"');
const EGM_TAIL = utf8('"}');

/** EncryptedGroupMessage.ToBytes(): the JSON a post's token is bound to, and the raw replay packet. */
export function encodeEgm(egm: EncryptedGroupMessage): Uint8Array {
  const out = new Uint8Array(
    EGM_HEAD.length + base64Length(egm.ciphertext.length) + EGM_MID.length + base64Length(egm.signature.length) + EGM_TAIL.length,
  );
  out.set(EGM_HEAD, 0);
  let o = base64EncodeInto(egm.ciphertext, out, EGM_HEAD.length);
  out.set(EGM_MID, o);
  o = base64EncodeInto(egm.signature, out, o + EGM_MID.length);
  out.set(EGM_TAIL, o);
  return out;
}

/** encodeEgm through the general Go-JSON encoder: the reference the direct writer is tested against. */
export function encodeEgmGeneral(egm: EncryptedGroupMessage): Uint8Array {
  return encodeGoJsonBytes(egmJson(egm));
}

/** The bytes a post's token MAC covers: EGM.ToBytes() ‖ the server's onion (56 chars). docs/protocol.md §5.4. */
export function postSpendData(egm: EncryptedGroupMessage, serverOnion: string): Uint8Array {
  const a = encodeEgm(egm);
  const b = utf8(serverOnion);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function encodeBoardMessage(m: Exclude<BoardMessage, { type: 'unknown' }>): Uint8Array {
  const fields: GoJsonField[] = [];
  // Go field order: MessageType, PostRequest, PostResult, NewMessage, ReplayRequest, ReplayResult.
  switch (m.type) {
    case 'post-request':
      if (m.token === null) throw new TypeError('board: a post needs a token');
      fields.push(['MessageType', goJson.int(MESSAGE_TYPE.PostRequest)]);
      fields.push(['PostRequest', goJson.object([['Token', spentTokenJson(m.token)], ['EGM', egmJson(m.egm)]])]);
      break;
    case 'post-result':
      fields.push(['MessageType', goJson.int(MESSAGE_TYPE.PostResult)]);
      fields.push([
        'PostResult',
        goJson.object([['Success', goJson.bool(m.success)], ...(m.retryAfterMs !== undefined && !m.success ? [[RETRY_AFTER_FIELD, goJson.int(m.retryAfterMs)] as GoJsonField] : [])]),
      ]);
      break;
    case 'new-message':
      fields.push(['MessageType', goJson.int(MESSAGE_TYPE.NewMessage)]);
      fields.push(['NewMessage', goJson.object([['EGM', egmJson(m.egm)]])]);
      break;
    case 'replay-request':
      fields.push(['MessageType', goJson.int(MESSAGE_TYPE.ReplayRequest)]);
      fields.push([
        'ReplayRequest',
        goJson.object([
          ['LastCommit', goJson.bytes(m.lastCommit)],
          ...packingField(m.packing),
          ...intField(SINCE_FIELD, m.since),
          ...(m.estimate === true ? [[ESTIMATE_FIELD, goJson.bool(true)] as GoJsonField] : []),
        ]),
      ]);
      break;
    case 'replay-result':
      fields.push(['MessageType', goJson.int(MESSAGE_TYPE.ReplayResult)]);
      fields.push([
        'ReplayResult',
        goJson.object([
          ['NumMessages', goJson.int(m.numMessages)],
          [FULL_RESYNC_FIELD, goJson.bool(m.fullResync), 'omitempty'],
          ...packingField(m.packing),
          ...intField(SINCE_FIELD, m.since),
          ...intField(WINDOW_FIELD, m.window),
          ...(m.estimate === true ? [[ESTIMATE_FIELD, goJson.bool(true)] as GoJsonField, ...intField(PACKETS_FIELD, m.packets ?? 0)] : []),
        ]),
      ]);
      break;
  }
  return encodeGoJsonBytes(goJson.object(fields));
}

/** The Packing member, when there is one: absent otherwise, so a plain request or result is byte-identical to Go's. */
function packingField(packing: number | undefined): GoJsonField[] {
  return packing === undefined ? [] : [[PACKING_FIELD, goJson.int(packing)]];
}

function intField(name: string, v: number | undefined): GoJsonField[] {
  return v === undefined ? [] : [[name, goJson.int(v)]];
}

/** A non-negative integer member, or absent (anything else reads as absent, as a Go client would skip it). */
function countOf(r: Record<string, unknown>, name: string): number | undefined {
  const v = getInt(r, name);
  return v !== undefined && v >= 0 ? v : undefined;
}

/** The time-window members of a request or result that we can act on (docs/sync-extension.md §10). */
function windowsOf(r: Record<string, unknown>, result: boolean): { since?: number; window?: number; estimate?: boolean; packets?: number } {
  const since = countOf(r, SINCE_FIELD);
  const window = result ? countOf(r, WINDOW_FIELD) : undefined;
  const packets = result ? countOf(r, PACKETS_FIELD) : undefined;
  return {
    ...(since !== undefined ? { since } : {}),
    ...(window !== undefined && window > 0 ? { window } : {}),
    ...(getBool(r, ESTIMATE_FIELD) === true ? { estimate: true } : {}),
    ...(packets !== undefined ? { packets } : {}),
  };
}

/** A Packing member we can act on: a positive integer; anything else reads as absent, as if from Go. */
function packingOf(r: Record<string, unknown>): { packing?: number } {
  const v = getInt(r, PACKING_FIELD);
  return v !== undefined && v >= 1 ? { packing: v } : {};
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An EGM from a parsed object: []byte fields may be null (nil) or absent, which read as empty. */
function egmFrom(v: unknown): Result<EncryptedGroupMessage> {
  if (!isObject(v)) return fail('board.egm', 'the group message is not an object');
  const c = getBytes(v, 'Ciphertext');
  const s = getBytes(v, 'Signature');
  // undefined = present but not base64 (or absent: getField says which).
  if ((c === undefined && getField(v, 'Ciphertext') !== undefined) || (s === undefined && getField(v, 'Signature') !== undefined)) {
    return fail('board.egm', 'the group message fields are not base64');
  }
  return ok({ ciphertext: c ?? new Uint8Array(0), signature: s ?? new Uint8Array(0) });
}

function startsWithAt(b: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[at + i] !== lit[i]) return false;
  return true;
}

/**
 * The exact shape encodeEgm writes (what Go servers send), decoded without JSON.parse or strings; null for
 * anything else (whitespace, escapes, other field order or names, bad base64), which goes to the general parser.
 * Parsed from the end: the signature is short, so only its ~90 bytes are scanned for the quote that opens it, and
 * everything between the two literals must then be base64 (a quote or backslash in it fails the strict decoder).
 */
function decodeEgmExact(b: Uint8Array): EncryptedGroupMessage | null {
  const at = exactEgmBounds(b);
  if (at === null) return null;
  const signature = fromBase64Bytes(b, at.s0, at.s1);
  const ciphertext = signature === null ? null : fromBase64Bytes(b, EGM_HEAD.length, at.c1);
  return ciphertext === null || signature === null ? null : { ciphertext, signature };
}

/** Where the two base64 runs of an exact-shape EGM are: ciphertext [EGM_HEAD.length, c1), signature [s0, s1). */
function exactEgmBounds(b: Uint8Array): { readonly c1: number; readonly s0: number; readonly s1: number } | null {
  if (!startsWithAt(b, 0, EGM_HEAD)) return null;
  const s1 = b.length - EGM_TAIL.length;
  if (s1 < EGM_HEAD.length + EGM_MID.length || !startsWithAt(b, s1, EGM_TAIL)) return null;
  const s0 = b.lastIndexOf(34, s1 - 1) + 1;
  const c1 = s0 - EGM_MID.length;
  if (c1 < EGM_HEAD.length || !startsWithAt(b, c1, EGM_MID)) return null;
  return { c1, s0, s1 };
}

/**
 * decodeEgm for a reader that does not keep ciphertexts (trial decryption drops ~99 % of a replay): the
 * ciphertext of an exact-shape EGM is decoded into one buffer reused for every message, so it is a view valid
 * only until the next decode() (the signature is always a fresh array). Other shapes go to the general parser. Saves
 * allocating and collecting a ~2.6 KiB array per replayed message.
 */
export class TransientEgmDecoder {
  private buf = new Uint8Array(0);

  decode(b: Uint8Array): Result<EncryptedGroupMessage> {
    const at = exactEgmBounds(b);
    if (at !== null) {
      const size = base64DecodedLength(b, EGM_HEAD.length, at.c1);
      // Grows to the largest ciphertext seen; packets bound it (PACKET_SIZE), so this stays under 8 KiB.
      if (size > this.buf.length) this.buf = new Uint8Array(size);
      const signature = fromBase64Bytes(b, at.s0, at.s1);
      if (signature !== null && size >= 0 && fromBase64BytesInto(b, EGM_HEAD.length, at.c1, this.buf, 0) >= 0) {
        return ok({ ciphertext: this.buf.subarray(0, size), signature });
      }
    }
    // Not the exact shape: straight to the general parser (decodeEgm would try the exact shape again).
    return decodeEgmGeneral(b);
  }
}

/** A raw EncryptedGroupMessage packet (replay). */
export function decodeEgm(b: Uint8Array): Result<EncryptedGroupMessage> {
  const exact = decodeEgmExact(b);
  return exact !== null ? ok(exact) : decodeEgmGeneral(b);
}

/** decodeEgm through JSON.parse and Go's Unmarshal rules: the fallback, and the reference the fast path is tested against. */
export function decodeEgmGeneral(b: Uint8Array): Result<EncryptedGroupMessage> {
  const p = parseJsonObject(b);
  return p.ok ? egmFrom(p.value) : fail('board.json', 'the group message is not JSON');
}

/**
 * A groups.Message. A known MessageType without its sub-object is an error (the Go server closes on it); an
 * unknown MessageType is returned as 'unknown' (ignored).
 */
export function decodeBoardMessage(b: Uint8Array): Result<BoardMessage> {
  const p = parseJsonObject(b);
  if (!p.ok) return fail('board.json', 'the board message is not a JSON object');
  const o = p.value;
  const t = getInt(o, 'MessageType') ?? (getField(o, 'MessageType') === undefined ? 0 : undefined);
  if (t === undefined) return fail('board.type', 'the board message type is not an integer');
  const sub = (name: string): Record<string, unknown> | null => {
    const v = getField(o, name);
    return isObject(v) ? v : null;
  };
  switch (t) {
    case MESSAGE_TYPE.ReplayRequest: {
      const r = sub('ReplayRequest');
      if (r === null) return fail('board.missing', 'a replay request without its body');
      const lc = getBytes(r, 'LastCommit');
      if (lc === undefined && getField(r, 'LastCommit') !== undefined) return fail('board.commit', 'the last commit is not base64');
      return ok({ type: 'replay-request', lastCommit: lc === undefined || lc === null || lc.length === 0 ? null : lc, ...packingOf(r), ...windowsOf(r, false) });
    }
    case MESSAGE_TYPE.ReplayResult: {
      const r = sub('ReplayResult');
      const n = r === null ? undefined : getInt(r, 'NumMessages');
      if (r === null || n === undefined || n < 0) return fail('board.missing', 'a replay result without a count');
      return ok({ type: 'replay-result', numMessages: n, fullResync: getBool(r, FULL_RESYNC_FIELD) === true, ...packingOf(r), ...windowsOf(r, true) });
    }
    case MESSAGE_TYPE.PostRequest: {
      const r = sub('PostRequest');
      if (r === null) return fail('board.missing', 'a post without its body');
      const token = decodeSpentToken(getField(r, 'Token'));
      const egm = egmFrom(getField(r, 'EGM'));
      if (!egm.ok) return egm;
      return ok({ type: 'post-request', token: token.ok ? token.value : null, egm: egm.value });
    }
    case MESSAGE_TYPE.PostResult: {
      const r = sub('PostResult');
      if (r === null) return fail('board.missing', 'a post result without its body');
      const success = getBool(r, 'Success') === true;
      const after = getInt(r, RETRY_AFTER_FIELD);
      // A negative or non-integer wait is no wait we can honour: the refusal stands without it.
      return ok(!success && after !== undefined && after >= 0 ? { type: 'post-result', success, retryAfterMs: after } : { type: 'post-result', success });
    }
    case MESSAGE_TYPE.NewMessage: {
      const r = sub('NewMessage');
      if (r === null) return fail('board.missing', 'a new message without its body');
      const egm = egmFrom(getField(r, 'EGM'));
      return egm.ok ? ok({ type: 'new-message', egm: egm.value }) : egm;
    }
    default:
      return ok({ type: 'unknown', messageType: t });
  }
}
