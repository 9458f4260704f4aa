// Gap repair from peers (docs/protocol.md §12.3, a cwtch-tui extension): a member missing group messages asks an
// online member who is also a 1:1 contact for them, and gets the original EGMs back — self-authenticating, since
// each is verified exactly like one from the server (group key, author's signature, chain).
//
// Both directions travel as peer overlays (OVERLAY_GROUP_REPAIR_REQUEST / _REPLY) on the existing peer channel, only
// to peers that said they speak it (getVal public/cwtch-tui.extensions, see peer-app.ts),
// their data sealed with a key derived from the group key. So only a member can make a request the other side can
// open (the proof of membership), and a contact who is not in the group learns nothing: not which group, not which
// messages (their signatures are public on the server), only that a sealed blob went by.
//
//   repair key  = HMAC-SHA256(key = group key, message = "cwtch-tui/group-repair/v1")
//   data        = base64( nonce(24) ‖ secretbox(plaintext, nonce, repair key) )
//   request pt  = reqId(16) ‖ max(u16 BE) ‖ want(64) ‖ nHave(u8) ‖ have(64 × nHave)
//   reply pt    = reqId(16) ‖ last(u8: 1 on the final part) ‖ n(u8) ‖ n × ( ctLen(u16 BE) ‖ ciphertext ‖ sig(64) )
//
// `want` is the signature of the message we lack (a gap's missing predecessor); the answerer walks back from it by
// PreviousMessageSig until a signature in `have` (what we hold just before the gap), a message it lacks, or `max`.
// Decoders are total: hostile bytes give an error value.

import type { CryptoBackend } from '../crypto/backend.js';
import { REPAIR_MAX_HAVE, REPAIR_MAX_MESSAGES, REPAIR_REPLY_MAX_ENTRY_BYTES } from '../limits.js';
import type { Random } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import type { EncryptedGroupMessage } from './board-messages.js';
import { groupDerivedKey, openForGroup as open, sealForGroup as seal } from './sealed.js';

/**
 * The peer overlays of the extension [cwtch-tui extension]. Sent only to a peer that answered our extensions getVal
 * (docs/protocol.md §12.3): the Cwtch app shows an unknown overlay as a malformed message.
 */
export { OVERLAY_GROUP_REPAIR_REPLY, OVERLAY_GROUP_REPAIR_REQUEST } from '../peer/overlay.js';

const LABEL = 'cwtch-tui/group-repair/v1';
const SIG = 64;
const REQ_ID = 16;

export function repairKey(groupKey: Uint8Array): Uint8Array {
  return groupDerivedKey(groupKey, LABEL);
}

export interface RepairRequest {
  readonly reqId: Uint8Array;
  readonly max: number;
  readonly want: Uint8Array;
  readonly have: readonly Uint8Array[];
}

export interface RepairReply {
  readonly reqId: Uint8Array;
  readonly last: boolean;
  readonly egms: readonly EncryptedGroupMessage[];
}

export function sealRepairRequest(backend: CryptoBackend, random: Random, key: Uint8Array, r: RepairRequest): string {
  const have = r.have.slice(0, REPAIR_MAX_HAVE);
  const pt = new Uint8Array(REQ_ID + 2 + SIG + 1 + SIG * have.length);
  pt.set(r.reqId.subarray(0, REQ_ID));
  new DataView(pt.buffer).setUint16(REQ_ID, Math.min(r.max, 0xffff));
  pt.set(r.want, REQ_ID + 2);
  pt[REQ_ID + 2 + SIG] = have.length;
  have.forEach((h, i) => pt.set(h, REQ_ID + 3 + SIG + SIG * i));
  return seal(backend, random, key, pt);
}

/** Opens a request with the first of `keys` that opens it; `notOurs` when none does (a non-member, or noise). */
export function openRepairRequest<K extends { readonly repairKey: Uint8Array }>(backend: CryptoBackend, keys: readonly K[], data: string): Result<{ key: K; request: RepairRequest }> {
  for (const k of keys) {
    const pt = open(backend, k.repairKey, data);
    if (pt === null) continue;
    if (pt.length < REQ_ID + 3 + SIG) return fail('repair.short', 'the repair request is too short');
    const n = pt[REQ_ID + 2 + SIG]!;
    if (n > REPAIR_MAX_HAVE || pt.length !== REQ_ID + 3 + SIG + SIG * n) return fail('repair.length', 'the repair request has the wrong length');
    const have: Uint8Array[] = [];
    for (let i = 0; i < n; i++) have.push(pt.slice(REQ_ID + 3 + SIG + SIG * i, REQ_ID + 3 + SIG * (i + 2)));
    const max = Math.min(new DataView(pt.buffer, pt.byteOffset).getUint16(REQ_ID), REPAIR_MAX_MESSAGES);
    return ok({ key: k, request: { reqId: pt.slice(0, REQ_ID), max, want: pt.slice(REQ_ID + 2, REQ_ID + 2 + SIG), have } });
  }
  return fail('repair.not-ours', 'no group key opens this repair request');
}

/**
 * Splits EGMs (newest first, as the chain walk gives them) into reply parts that each fit one peer packet
 * (REPAIR_REPLY_MAX_ENTRY_BYTES of entries), the final part marked last (unless `final` is false: more follow).
 * An EGM too large for any part is skipped.
 */
export function sealRepairReplies(backend: CryptoBackend, random: Random, key: Uint8Array, reqId: Uint8Array, egms: readonly EncryptedGroupMessage[], final = true): string[] {
  const parts: EncryptedGroupMessage[][] = [[]];
  let size = 0;
  for (const e of egms) {
    const n = 2 + e.ciphertext.length + SIG;
    if (n > REPAIR_REPLY_MAX_ENTRY_BYTES || e.signature.length !== SIG) continue;
    if (size + n > REPAIR_REPLY_MAX_ENTRY_BYTES || parts.at(-1)!.length === 255) {
      parts.push([]);
      size = 0;
    }
    parts.at(-1)!.push(e);
    size += n;
  }
  return parts.map((part, i) => {
    const len = part.reduce((s, e) => s + 2 + e.ciphertext.length + SIG, 0);
    const pt = new Uint8Array(REQ_ID + 2 + len);
    pt.set(reqId.subarray(0, REQ_ID));
    pt[REQ_ID] = final && i === parts.length - 1 ? 1 : 0;
    pt[REQ_ID + 1] = part.length;
    const dv = new DataView(pt.buffer);
    let at = REQ_ID + 2;
    for (const e of part) {
      dv.setUint16(at, e.ciphertext.length);
      pt.set(e.ciphertext, at + 2);
      pt.set(e.signature, at + 2 + e.ciphertext.length);
      at += 2 + e.ciphertext.length + SIG;
    }
    return seal(backend, random, key, pt);
  });
}

export function openRepairReply(backend: CryptoBackend, key: Uint8Array, data: string): Result<RepairReply> {
  const pt = open(backend, key, data);
  if (pt === null) return fail('repair.not-ours', 'the repair reply does not open with this group\'s key');
  if (pt.length < REQ_ID + 2 || pt[REQ_ID]! > 1) return fail('repair.short', 'the repair reply is malformed');
  const n = pt[REQ_ID + 1]!;
  const dv = new DataView(pt.buffer, pt.byteOffset, pt.length);
  const egms: EncryptedGroupMessage[] = [];
  let at = REQ_ID + 2;
  for (let i = 0; i < n; i++) {
    if (at + 2 > pt.length) return fail('repair.length', 'a repair reply entry runs past the end');
    const len = dv.getUint16(at);
    if (len === 0 || at + 2 + len + SIG > pt.length) return fail('repair.length', 'a repair reply entry runs past the end');
    egms.push({ ciphertext: pt.slice(at + 2, at + 2 + len), signature: pt.slice(at + 2 + len, at + 2 + len + SIG) });
    at += 2 + len + SIG;
  }
  if (at !== pt.length) return fail('repair.length', 'a repair reply has bytes after its entries');
  return ok({ reqId: pt.slice(0, REQ_ID), last: pt[REQ_ID] === 1, egms });
}
