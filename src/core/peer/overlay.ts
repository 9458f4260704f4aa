// The chat payload inside `im.cwtch.raw` (docs/protocol.md §6.3): Go `MessageWrapper{Overlay int "o"; Data string "d"}`.
// Decoding is total: any bytes give an overlay or an error value, never a throw. Invalid UTF-8 becomes U+FFFD,
// as Go's json.Unmarshal does for strings.

import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, utf8 } from '../bytes.js';
import { encodeGoJsonBytes, getField, getInt, getString, goJson, parseJsonObject } from '../codec/go-json.js';
import { decodeOnion } from '../crypto/onion.js';
import { fail, ok, type Result } from '../result.js';

export const OVERLAY_TEXT = 1;
export const OVERLAY_QUOTED_REPLY = 10;
export const OVERLAY_SUGGEST_CONTACT = 100;
export const OVERLAY_GROUP_INVITE = 101;
/** Overlays this client stores and shows; others are acknowledged and ignored (file sharing, obsolete lists). */
export const KNOWN_OVERLAYS: ReadonlySet<number> = new Set([OVERLAY_TEXT, OVERLAY_QUOTED_REPLY, OVERLAY_SUGGEST_CONTACT, OVERLAY_GROUP_INVITE]);

/** cwtch-tui extension overlays (gap repair, docs/protocol.md §12.3): handled by the engine, never stored or shown. */
export const OVERLAY_GROUP_REPAIR_REQUEST = 1100;
export const OVERLAY_GROUP_REPAIR_REPLY = 1101;
/** Which servers a group lives on (docs/protocol.md §12.6). */
export const OVERLAY_GROUP_SERVERS = 1102;
export const EXTENSION_OVERLAYS: ReadonlySet<number> = new Set([OVERLAY_GROUP_REPAIR_REQUEST, OVERLAY_GROUP_REPAIR_REPLY, OVERLAY_GROUP_SERVERS]);

export interface Overlay {
  readonly overlay: number;
  readonly data: string;
}

/** Go json.Marshal of MessageWrapper: `{"o":N,"d":"…"}` (HTML-escaped like Go). */
export function encodeOverlay(o: Overlay): Uint8Array {
  return encodeGoJsonBytes(goJson.object([['o', goJson.int(o.overlay)], ['d', goJson.string(o.data)]]));
}

/** Decodes the wrapper; a missing `d` is "" and a missing `o` is 0, as Go leaves zero values. */
export function decodeOverlay(b: Uint8Array | string): Result<Overlay> {
  const parsed = parseJsonObject(b);
  if (!parsed.ok) return fail('overlay.json', 'the message is not an overlay object');
  const rawO = getField(parsed.value, 'o');
  const o = rawO === undefined || rawO === null ? 0 : getInt(parsed.value, 'o');
  if (o === undefined || o < -(2 ** 31) || o >= 2 ** 31) return fail('overlay.o', 'overlay number is not an int');
  const rawD = getField(parsed.value, 'd');
  const d = rawD === undefined || rawD === null ? '' : getString(parsed.value, 'd');
  if (d === undefined) return fail('overlay.d', 'overlay data is not a string');
  return ok({ overlay: o, data: d });
}

/**
 * Checks the payload of a known overlay. Quoted replies must be `{"quotedHash":…,"body":…}`; suggested contacts
 * a valid onion. Group invites are checked by the caller (they need the paste decoder and its KDF).
 */
export function validateOverlayData(o: Overlay): Result<Overlay> {
  switch (o.overlay) {
    case OVERLAY_TEXT:
      return ok(o);
    case OVERLAY_QUOTED_REPLY: {
      const q = parseJsonObject(o.data);
      if (!q.ok || getString(q.value, 'body') === undefined) return fail('overlay.quote', 'a quoted reply needs a body');
      return ok(o);
    }
    case OVERLAY_SUGGEST_CONTACT:
      return decodeOnion(o.data).ok ? ok(o) : fail('overlay.onion', 'a suggested contact must be an onion address');
    default:
      return ok(o);
  }
}

/** A quoted reply's parts (overlay 10 `d` = `{"quotedHash":…,"body":…}`), or null when `o` is not a readable one. */
export function decodeQuote(o: Overlay): { readonly quotedHash: string; readonly body: string } | null {
  if (o.overlay !== OVERLAY_QUOTED_REPLY) return null;
  const q = parseJsonObject(o.data);
  if (!q.ok) return null;
  const body = getString(q.value, 'body');
  if (body === undefined) return null;
  return { quotedHash: getString(q.value, 'quotedHash') ?? '', body };
}

/**
 * The hash a quoted reply names its original by (docs/protocol.md §6.3): base64(SHA-256(sender onion ‖ the
 * original's raw overlay JSON)) **[unverified]**.
 */
export function contentHash(sender: string, rawMessage: string): string {
  return toBase64(sha256(utf8(sender + rawMessage)));
}

/** The text a person reads for a stored overlay: the body of a quoted reply, else the data itself. */
export function overlayText(o: Overlay): string {
  if (o.overlay === OVERLAY_QUOTED_REPLY) {
    const q = parseJsonObject(o.data);
    if (q.ok) return getString(q.value, 'body') ?? '';
  }
  return o.data;
}
