// Group messages (docs/protocol.md §7.4): the DecryptedGroupMessage a member writes, its encryption under the group key,
// its signature, and the receive path that trial-decrypts a server's EncryptedGroupMessage with every group key we
// hold. Everything signed goes through the Go-JSON codec: a Go receiver re-marshals the DGM and verifies over those
// bytes, so a byte of difference (HTML escaping, field order, base64) would make every one of our messages invalid.
//
// Send:    composeGroupMessage → (json) → sealGroupMessage + signGroupMessage → EncryptedGroupMessage
//          (buildGroupMessage does all of it with the injected clock and randomness).
// Receive: decodeEgm (board-messages.ts) → tryDecryptGroupMessage(backend, egm, groupsOnThatServer).

import { bytesEqual, concatBytes, fromHex, toBase64, utf8 } from '../bytes.js';
import { encodeGoJsonBytes, getBytes, getField, goJson, parseJsonObject } from '../codec/go-json.js';
import { ED25519_SIGNATURE_BYTES, SECRETBOX_NONCE_BYTES, SECRETBOX_TAG_BYTES, type CryptoBackend } from '../crypto/backend.js';
import type { Identity } from '../crypto/identity.js';
import { decodeOnion, type OnionAddress } from '../crypto/onion.js';
import { BOARD_MAX_CIPHERTEXT_BYTES, GROUP_MAX_EGM_BYTES, MAX_GROUP_MESSAGE_LENGTH } from '../limits.js';
import type { Clock, Random } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { encodeEgm, type EncryptedGroupMessage } from './board-messages.js';
import type { GroupId } from './invite.js';

export { decodeEgm, encodeEgm, type EncryptedGroupMessage } from './board-messages.js';

/** A group we hold: what trial decryption and signature checks need. `server` is the group's token-board onion. */
export interface GroupKeyInfo {
  readonly groupId: GroupId;
  /** The 32-byte group key (secretbox). Secret. */
  readonly key: Uint8Array;
  readonly server: OnionAddress;
}

/**
 * Go groups.DecryptedGroupMessage, field for field (JSON order Text, Onion, Timestamp, SignedGroupID,
 * PreviousMessageSig, Padding). []byte fields are null when Go would hold a nil slice (JSON null or absent).
 */
export interface DecryptedGroupMessage {
  readonly text: string;
  /** The sender's onion (56 chars) as written by the sender; its key verifies the signature. */
  readonly onion: string;
  /** Sender's clock, Unix seconds (Go uint64; here a safe integer). [unverified: seconds] */
  readonly timestamp: number;
  readonly signedGroupId: Uint8Array | null;
  readonly previousMessageSig: Uint8Array | null;
  readonly padding: Uint8Array | null;
}

/** Which signed form verified: the current "v3 groups" form or the legacy one over the raw ciphertext. */
export type GroupSignatureForm = 'v3' | 'legacy';

export interface ReceivedGroupMessage {
  readonly group: GroupKeyInfo;
  readonly message: DecryptedGroupMessage;
  /** DGM.Onion normalised (the key that verified the signature). */
  readonly sender: OnionAddress;
  /** The EGM signature (64 bytes): the message's identity in the timeline and the next PreviousMessageSig. */
  readonly signature: Uint8Array;
  readonly form: GroupSignatureForm;
}

/** Error codes of the receive path; each is a distinct reason to drop the message. */
export const GROUP_RECEIVE_ERRORS = {
  /** No group key we hold opens it: someone else's group (the normal case for ~all replayed messages). */
  notOurs: 'group.not-ours',
  /** It decrypted, but neither signed form verifies with the key of DGM.Onion. */
  badSignature: 'group.bad-signature',
  /** Signed correctly, but SignedGroupID names another group: a cross-group replay. */
  wrongGroup: 'group.wrong-group',
  /** It decrypted with our key but the plaintext is not a DGM (bad JSON, wrong types, bad sender onion). */
  malformed: 'group.malformed',
} as const;

/** Refused before sending: the text exceeds MAX_GROUP_MESSAGE_LENGTH bytes, or escaped JSON would not fit a post. */
export const GROUP_TOO_LONG = 'group.too-long';

/**
 * SignedGroupID: the 16 raw bytes of the hex GroupID. [unverified: cwtch model/group.go] One place to correct it.
 */
export function signedGroupIdBytes(groupId: GroupId): Uint8Array {
  const b = fromHex(groupId);
  if (b === null) throw new RangeError('group id must be hex');
  return b;
}

/**
 * SignedGroupID as senders write it: the 16 raw bytes (ours), the 32 ASCII hex characters, or empty — the Go source
 * calls the field "now a misnomer": the group (and server) are bound by the signature itself, which covers both.
 * One naming another group, in either form, is still refused (a cross-group replay); so is anything else.
 */
export function signedGroupIdAccepted(sgid: Uint8Array | null, groupId: GroupId): boolean {
  if (sgid === null || sgid.length === 0) return true;
  if (sgid.length === 16) return bytesEqual(sgid, signedGroupIdBytes(groupId));
  if (sgid.length === 32) return new TextDecoder().decode(sgid).toLowerCase() === groupId.toLowerCase();
  return false;
}

/**
 * PreviousMessageSig of a group's first message (nothing to link to): []byte(GroupID), the UTF-8 bytes of the 32 hex
 * characters. [unverified: docs/protocol.md §7.4, §11] One place to correct it; the timeline treats it as "no predecessor".
 */
export function firstMessagePreviousSig(groupId: GroupId): Uint8Array {
  return utf8(groupId);
}

/** The DGM as Go json.Marshal writes it: what is encrypted and (base64'd) signed. */
export function encodeDgm(m: DecryptedGroupMessage): Uint8Array {
  return encodeGoJsonBytes(
    goJson.object([
      ['Text', goJson.string(m.text)],
      ['Onion', goJson.string(m.onion)],
      ['Timestamp', goJson.uint(m.timestamp)],
      ['SignedGroupID', goJson.bytes(m.signedGroupId)],
      ['PreviousMessageSig', goJson.bytes(m.previousMessageSig)],
      ['Padding', goJson.bytes(m.padding)],
    ]),
  );
}

/** A []byte field as Go's Unmarshal fills it: absent or null → nil; a string must be base64, anything else fails. */
function bytesField(o: Record<string, unknown>, name: string): Uint8Array | null | undefined {
  const raw = getField(o, name);
  if (raw === undefined || raw === null) return null;
  return getBytes(o, name); // undefined: not a base64 string
}

/** A string field: absent or null → "" (Go leaves the zero value); a non-string fails. */
function stringField(o: Record<string, unknown>, name: string): string | undefined {
  const raw = getField(o, name);
  if (raw === undefined || raw === null) return '';
  // Go's Unmarshal turns invalid UTF-8 and lone surrogate escapes into U+FFFD; re-marshalling must see the same.
  return typeof raw === 'string' ? raw.toWellFormed() : undefined;
}

/** Parse a decrypted DGM. Total: hostile bytes give an error value, never a throw. */
export function decodeDgm(b: Uint8Array): Result<DecryptedGroupMessage> {
  const p = parseJsonObject(b);
  if (!p.ok) return fail(GROUP_RECEIVE_ERRORS.malformed, 'the group message is not a JSON object');
  const o = p.value;
  const text = stringField(o, 'Text');
  const onion = stringField(o, 'Onion');
  const tsRaw = getField(o, 'Timestamp');
  const timestamp = tsRaw === undefined || tsRaw === null ? 0 : tsRaw;
  const signedGroupId = bytesField(o, 'SignedGroupID');
  const previousMessageSig = bytesField(o, 'PreviousMessageSig');
  const padding = bytesField(o, 'Padding');
  if (text === undefined || onion === undefined) return fail(GROUP_RECEIVE_ERRORS.malformed, 'a group message text or sender is not a string');
  // uint64 in Go; beyond 2^53 JSON.parse loses digits and the re-marshalled bytes could not match the signature.
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    return fail(GROUP_RECEIVE_ERRORS.malformed, 'a group message timestamp is not an unsigned integer');
  }
  if (signedGroupId === undefined || previousMessageSig === undefined || padding === undefined) {
    return fail(GROUP_RECEIVE_ERRORS.malformed, 'a group message byte field is not base64');
  }
  return ok({ text, onion, timestamp, signedGroupId, previousMessageSig, padding });
}

/** The bytes a member signs ("v3 groups"): UTF-8(GroupID_hex ‖ server onion ‖ base64std(json(DGM))). [source: handbook] */
export function groupSignedBytes(groupId: GroupId, server: OnionAddress, dgmJson: Uint8Array): Uint8Array {
  return utf8(groupId + server + toBase64(dgmJson));
}

/** The legacy signed form, still accepted on receive: UTF-8(GroupID ‖ server) ‖ raw ciphertext (nonce included). [unverified] */
export function legacyGroupSignedBytes(groupId: GroupId, server: OnionAddress, ciphertext: Uint8Array): Uint8Array {
  return concatBytes(utf8(groupId + server), ciphertext);
}

/** nonce(24) ‖ secretbox(json, nonce, groupKey). [unverified: cwtch model/group.go] */
export function sealGroupMessage(backend: CryptoBackend, key: Uint8Array, nonce: Uint8Array, dgmJson: Uint8Array): Uint8Array {
  return concatBytes(nonce, backend.secretboxSeal(dgmJson, nonce, key));
}

/** Open nonce ‖ box with one key; null when it is not ours (or too short to be anything). */
export function openGroupCiphertext(backend: CryptoBackend, key: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  if (ciphertext.length < SECRETBOX_NONCE_BYTES + SECRETBOX_TAG_BYTES) return null;
  return backend.secretboxOpen(ciphertext.subarray(SECRETBOX_NONCE_BYTES), ciphertext.subarray(0, SECRETBOX_NONCE_BYTES), key);
}

export interface ComposeInput {
  readonly group: GroupKeyInfo;
  readonly sender: OnionAddress;
  readonly text: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** Signature of the newest message we hold in this group; null for the group's first message. */
  readonly previousSig: Uint8Array | null;
  /** Exactly MAX_GROUP_MESSAGE_LENGTH − utf8(text).length random bytes (paddingLength tells how many). */
  readonly padding: Uint8Array;
}

/** How many padding bytes a text needs; negative when the text is too long to send. */
export function paddingLength(text: string): number {
  return MAX_GROUP_MESSAGE_LENGTH - utf8(text).length;
}

/** The DGM for a text, with the explicit parts (tests and vectors use this; buildGroupMessage supplies clock and randomness). */
export function composeGroupMessage(input: ComposeInput): Result<DecryptedGroupMessage> {
  const need = paddingLength(input.text);
  if (need < 0) return fail(GROUP_TOO_LONG, `a group message holds at most ${MAX_GROUP_MESSAGE_LENGTH} bytes`);
  if (input.padding.length !== need) throw new RangeError('padding must fill the message to MAX_GROUP_MESSAGE_LENGTH');
  return ok({
    text: input.text,
    onion: input.sender,
    timestamp: input.timestamp,
    signedGroupId: signedGroupIdBytes(input.group.groupId),
    previousMessageSig: input.previousSig ?? firstMessagePreviousSig(input.group.groupId),
    padding: input.padding,
  });
}

export interface SealedGroupMessage {
  readonly egm: EncryptedGroupMessage;
  readonly message: DecryptedGroupMessage;
}

/** Encrypt and sign a composed DGM (v3 signature). Refuses an EGM that could not fit one post packet. */
export function sealAndSign(
  backend: CryptoBackend,
  sender: Identity,
  group: GroupKeyInfo,
  message: DecryptedGroupMessage,
  nonce: Uint8Array,
): Result<SealedGroupMessage> {
  const json = encodeDgm(message);
  const ciphertext = sealGroupMessage(backend, group.key, nonce, json);
  const signature = backend.ed25519Sign(groupSignedBytes(group.groupId, group.server, json), sender.seed);
  const egm = { ciphertext, signature };
  // Escaping can grow a 1800-byte text up to 6× (each '<' is \u003c): such a post would not fit a packet, and our
  // board refuses ciphertexts over BOARD_MAX_CIPHERTEXT_BYTES.
  if (ciphertext.length > BOARD_MAX_CIPHERTEXT_BYTES || encodeEgm(egm).length > GROUP_MAX_EGM_BYTES) {
    return fail(GROUP_TOO_LONG, 'the group message is too long once encoded');
  }
  return ok({ egm, message });
}

export interface GroupSendDeps {
  readonly backend: CryptoBackend;
  readonly clock: Clock;
  readonly random: Random;
}

/**
 * Everything a send needs: compose (timestamp from the clock, random padding), encrypt under the group key with a
 * random nonce, sign. Fails with 'group.too-long' before any crypto when the text is over the limit.
 */
export function buildGroupMessage(
  deps: GroupSendDeps,
  sender: Identity,
  group: GroupKeyInfo,
  text: string,
  previousSig: Uint8Array | null,
): Result<SealedGroupMessage> {
  const need = paddingLength(text);
  if (need < 0) return fail(GROUP_TOO_LONG, `a group message holds at most ${MAX_GROUP_MESSAGE_LENGTH} bytes`);
  const dgm = composeGroupMessage({
    group,
    sender: sender.onion,
    text,
    timestamp: Math.floor(deps.clock.now() / 1000),
    previousSig,
    padding: deps.random.bytes(need),
  });
  if (!dgm.ok) return dgm;
  return sealAndSign(deps.backend, sender, group, dgm.value, deps.random.bytes(SECRETBOX_NONCE_BYTES));
}

/** Check both signed forms with the sender key. */
function verifyForms(backend: CryptoBackend, group: GroupKeyInfo, egm: EncryptedGroupMessage, dgmJson: Uint8Array, pub: Uint8Array): GroupSignatureForm | null {
  if (backend.ed25519Verify(egm.signature, groupSignedBytes(group.groupId, group.server, dgmJson), pub)) return 'v3';
  if (backend.ed25519Verify(egm.signature, legacyGroupSignedBytes(group.groupId, group.server, egm.ciphertext), pub)) return 'legacy';
  return null;
}

/**
 * The receive path for one EGM from a server. `groups` = every group we hold on that server (their server field is
 * part of what was signed). Tries each key; the first that opens it decides (a MAC forgery under another key is
 * negligible). Then: parse (total), re-marshal with Go JSON, verify with the key of DGM.Onion (v3, then legacy),
 * and require SignedGroupID to name that group. Never throws.
 */
export function tryDecryptGroupMessage(
  backend: CryptoBackend,
  egm: EncryptedGroupMessage,
  groups: readonly GroupKeyInfo[],
): Result<ReceivedGroupMessage> {
  let group: GroupKeyInfo | undefined;
  let plain: Uint8Array | null = null;
  for (const g of groups) {
    plain = openGroupCiphertext(backend, g.key, egm.ciphertext);
    if (plain !== null) {
      group = g;
      break;
    }
  }
  if (group === undefined || plain === null) return fail(GROUP_RECEIVE_ERRORS.notOurs, 'no group key opens this message');
  const dgm = decodeDgm(plain);
  if (!dgm.ok) return dgm;
  const sender = decodeOnion(dgm.value.onion);
  if (!sender.ok) return fail(GROUP_RECEIVE_ERRORS.malformed, 'the group message sender is not an onion address');
  if (egm.signature.length !== ED25519_SIGNATURE_BYTES) return fail(GROUP_RECEIVE_ERRORS.badSignature, 'the group message signature has the wrong size');
  const form = verifyForms(backend, group, egm, encodeDgm(dgm.value), sender.value.publicKey);
  if (form === null) return fail(GROUP_RECEIVE_ERRORS.badSignature, 'the group message signature does not verify');
  if (!signedGroupIdAccepted(dgm.value.signedGroupId, group.groupId)) {
    return fail(GROUP_RECEIVE_ERRORS.wrongGroup, 'the group message was signed for another group');
  }
  return ok({ group, message: dgm.value, sender: sender.value.onion, signature: egm.signature, form });
}
