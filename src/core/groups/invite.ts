// Group invites (docs/protocol.md §7.3): "torv3" + base64(GroupInvite JSON), field order GroupID, GroupName,
// SharedKey(b64), ServerHost [unverified: current version]. Sent to peers as overlay 101 with the server bundle
// prepended: "tofubundle:server:<b64>||torv3<b64>" [confirmed]. Our invites add "Created" (unix seconds, rounded down
// to the hour), which Go's json.Unmarshal ignores: a member then syncs only the time windows since (docs/sync-extension.md §10).

import { fromBase64, fromUtf8Strict, toBase64, utf8 } from '../bytes.js';
import { encodeGoJson, getInt, getString, goJson, parseJsonObject, type GoJsonField } from '../codec/go-json.js';
import type { CryptoBackend, Pbkdf2 } from '../crypto/backend.js';
import { deriveGroupId } from '../crypto/kdf.js';
import { decodeOnion, type OnionAddress } from '../crypto/onion.js';
import { INVITE_CREATED_ROUND_S, MAX_PASTE_BYTES } from '../limits.js';
import { fail, ok, type Result } from '../result.js';
import { decodeServerBundle, serverBundleString, type ServerBundle } from './bundle.js';

declare const groupIdBrand: unique symbol;
/** 32 lower-case hex characters: hex(PBKDF2-HMAC-SHA512(key, server pubkey, 4096, 16)). */
export type GroupId = string & { readonly [groupIdBrand]: true };

export const INVITE_PREFIX = 'torv3';
export const TOFU_PREFIX = 'tofubundle:';

export interface GroupInvite {
  readonly groupId: GroupId;
  readonly groupName: string;
  readonly sharedKey: Uint8Array;
  readonly serverHost: OnionAddress;
  /** Unix seconds, a multiple of INVITE_CREATED_ROUND_S: when the group was created. Absent from Go's invites. */
  readonly created?: number;
}

export const INVITE_CREATED_FIELD = 'Created';

/** A creation time (ms) as an invite carries it: unix seconds, rounded down to INVITE_CREATED_ROUND_S. */
export function inviteCreated(ms: number): number {
  return Math.floor(ms / 1000 / INVITE_CREATED_ROUND_S) * INVITE_CREATED_ROUND_S;
}

export function isGroupId(s: string): s is GroupId {
  return /^[0-9a-f]{32}$/.test(s);
}

export function groupIdFor(pbkdf2: Pbkdf2, key: Uint8Array, server: OnionAddress): GroupId {
  const pub = decodeOnion(server);
  if (!pub.ok) throw new RangeError('invalid server onion');
  return deriveGroupId(pbkdf2, key, pub.value.publicKey) as GroupId;
}

export function inviteString(inv: GroupInvite): string {
  const json = encodeGoJson(
    goJson.object([
      ['GroupID', goJson.string(inv.groupId)],
      ['GroupName', goJson.string(inv.groupName)],
      ['SharedKey', goJson.bytes(inv.sharedKey)],
      ['ServerHost', goJson.string(inv.serverHost)],
      ...(inv.created !== undefined ? [[INVITE_CREATED_FIELD, goJson.int(inv.created)] as GoJsonField] : []),
    ]),
  );
  return INVITE_PREFIX + toBase64(utf8(json));
}

export function tofuBundleString(bundle: ServerBundle, inv: GroupInvite): string {
  return `${TOFU_PREFIX}${serverBundleString(bundle)}||${inviteString(inv)}`;
}

/** Decode "torv3<base64>" and check that the group id matches the key and server. Never throws. */
export function decodeInvite(pbkdf2: Pbkdf2, text: string): Result<GroupInvite> {
  if (text.length > MAX_PASTE_BYTES) return fail('invite.too-long', 'the group invite is too long');
  const s = text.trim();
  if (!s.startsWith(INVITE_PREFIX)) return fail('invite.prefix', 'a group invite starts with "torv3"');
  const raw = fromBase64(s.slice(INVITE_PREFIX.length));
  if (raw === null || fromUtf8Strict(raw) === null) return fail('invite.base64', 'the group invite is not valid base64');
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return fail('invite.json', 'the group invite is not valid JSON');
  const o = parsed.value;
  const groupId = getString(o, 'GroupID');
  const groupName = getString(o, 'GroupName') ?? '';
  const keyText = getString(o, 'SharedKey');
  const serverHost = getString(o, 'ServerHost');
  if (groupId === undefined || !isGroupId(groupId)) return fail('invite.group-id', 'the group id is missing or malformed');
  const sharedKey = keyText === undefined ? null : fromBase64(keyText);
  if (sharedKey === null || sharedKey.length !== 32) return fail('invite.key', 'the group key is missing or not 32 bytes');
  const server = decodeOnion(serverHost ?? '');
  if (!server.ok) return fail('invite.server', `the group server is invalid: ${server.error.reason}`);
  if (deriveGroupId(pbkdf2, sharedKey, server.value.publicKey) !== groupId) {
    return fail('invite.group-id-mismatch', 'the group id does not match its key and server: refusing a forged invite');
  }
  // A creation time we cannot use (not a non-negative integer) reads as absent, as a Go client would skip it.
  const created = getInt(o, INVITE_CREATED_FIELD);
  return ok({ groupId, groupName, sharedKey, serverHost: server.value.onion, ...(created !== undefined && created >= 0 ? { created: inviteCreated(created * 1000) } : {}) });
}

export interface TofuBundle {
  readonly bundle: ServerBundle;
  readonly invite: GroupInvite;
}

/** Decode "tofubundle:server:<b64>||torv3<b64>": the invite's server must be the bundle's server. */
export function decodeTofuBundle(backend: CryptoBackend, pbkdf2: Pbkdf2, text: string): Result<TofuBundle> {
  if (text.length > MAX_PASTE_BYTES) return fail('tofu.too-long', 'the invite is too long');
  const s = text.trim();
  if (!s.startsWith(TOFU_PREFIX)) return fail('tofu.prefix', 'a bundled invite starts with "tofubundle:"');
  const parts = s.slice(TOFU_PREFIX.length).split('||');
  if (parts.length !== 2) return fail('tofu.shape', 'a bundled invite is "tofubundle:server:…||torv3…"');
  const bundle = decodeServerBundle(backend, parts[0]!);
  if (!bundle.ok) return bundle;
  const invite = decodeInvite(pbkdf2, parts[1]!);
  if (!invite.ok) return invite;
  if (invite.value.serverHost !== bundle.value.server) return fail('tofu.server-mismatch', 'the invite names a different server than its bundle');
  return ok({ bundle: bundle.value, invite: invite.value });
}
