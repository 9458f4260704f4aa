// Which servers a group lives on, told member to member (docs/protocol.md §12.6, a cwtch-tui extension): the
// notice a member sends another over the peer channel (OVERLAY_GROUP_SERVERS), sealed under a key derived from
// the group key (sealed.ts), so only a member can make one and a non-member learns nothing from it.
//
//   plaintext = JSON {"Servers":[bundle JSON, …], "Dropped":[onion, …], "Move":{"From":onion,"To":onion}?}
//
// `Servers`: the sender's active servers as signed key bundles (the receiver checks each like any pasted bundle,
// trust on first use). `Dropped`: servers the sender left or is leaving; it only grows, so a stale member's notice
// cannot bring a dropped server back. `Move`: the sender is moving the group from `From` to `To` and waits for each
// member's notice to list `From` as dropped. The decoder is total: hostile bytes give an error value.

import { utf8 } from '../bytes.js';
import { getArray, getObject, getString, parseJsonObject } from '../codec/go-json.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { decodeOnion } from '../crypto/onion.js';
import { GROUP_MAX_SERVERS, SERVER_NOTICE_MAX_BYTES, SERVER_NOTICE_MAX_DROPPED } from '../limits.js';
import type { Random } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { decodeServerBundleJson, serverBundleJson, type ServerBundle } from './bundle.js';
import { groupDerivedKey, openForGroup, sealForGroup } from './sealed.js';

export { OVERLAY_GROUP_SERVERS } from '../peer/overlay.js';

const LABEL = 'cwtch-tui/group-servers/v1';

export function serverNoticeKey(groupKey: Uint8Array): Uint8Array {
  return groupDerivedKey(groupKey, LABEL);
}

export interface ServerNotice {
  readonly servers: readonly ServerBundle[];
  readonly dropped: readonly string[];
  readonly move?: { readonly from: string; readonly to: string };
}

export function sealServerNotice(backend: CryptoBackend, random: Random, key: Uint8Array, n: ServerNotice): string {
  // Our own JSON (never signed, no Go peer reads it): plain JSON.stringify.
  const obj = {
    Servers: n.servers.slice(0, GROUP_MAX_SERVERS).map((b) => serverBundleJson(b)),
    Dropped: n.dropped.slice(-SERVER_NOTICE_MAX_DROPPED),
    ...(n.move !== undefined ? { Move: { From: n.move.from, To: n.move.to } } : {}),
  };
  return sealForGroup(backend, random, key, utf8(JSON.stringify(obj)));
}

/**
 * Opens a notice with the first of `keys` that opens it and checks every field: each bundle's signature, each onion.
 * `notOurs` when no key opens it (a non-member, or noise).
 */
export function openServerNotice<K extends { readonly noticeKey: Uint8Array }>(backend: CryptoBackend, keys: readonly K[], data: string): Result<{ key: K; notice: ServerNotice }> {
  for (const k of keys) {
    const pt = openForGroup(backend, k.noticeKey, data);
    if (pt === null) continue;
    if (pt.length > SERVER_NOTICE_MAX_BYTES) return fail('notice.size', 'the server notice is too large');
    const r = decodeServerNotice(backend, pt);
    return r.ok ? ok({ key: k, notice: r.value }) : r;
  }
  return fail('notice.not-ours', 'no group key opens this server notice');
}

export function decodeServerNotice(backend: CryptoBackend, pt: Uint8Array): Result<ServerNotice> {
  const o = parseJsonObject(pt);
  if (!o.ok) return fail('notice.json', 'the server notice is not a JSON object');
  const rawServers = getArray(o.value, 'Servers');
  const rawDropped = getArray(o.value, 'Dropped');
  if (rawServers === undefined || rawDropped === undefined) return fail('notice.fields', 'the server notice lacks Servers or Dropped');
  if (rawServers.length === 0 || rawServers.length > GROUP_MAX_SERVERS) return fail('notice.servers', 'the server notice names too few or too many servers');
  if (rawDropped.length > SERVER_NOTICE_MAX_DROPPED) return fail('notice.dropped', 'the server notice drops too many servers');
  const servers: ServerBundle[] = [];
  for (const s of rawServers) {
    if (typeof s !== 'string') return fail('notice.servers', 'a server in the notice is not a bundle');
    const b = decodeServerBundleJson(backend, utf8(s));
    if (!b.ok) return fail('notice.bundle', `a server bundle in the notice is invalid (${b.error.code})`);
    servers.push(b.value);
  }
  const dropped: string[] = [];
  for (const d of rawDropped) {
    const on = typeof d === 'string' ? decodeOnion(d) : null;
    if (on === null || !on.ok) return fail('notice.dropped', 'a dropped server in the notice is not an onion');
    dropped.push(on.value.onion);
  }
  const m = getObject(o.value, 'Move');
  if (m === undefined) return ok({ servers, dropped });
  const from = decodeOnion(getString(m, 'From') ?? '');
  const to = decodeOnion(getString(m, 'To') ?? '');
  if (!from.ok || !to.ok || from.value.onion === to.value.onion) return fail('notice.move', 'the move in the notice is malformed');
  if (!servers.some((b) => b.server === to.value.onion)) return fail('notice.move', 'the notice moves to a server it does not give');
  return ok({ servers, dropped, move: { from: from.value.onion, to: to.value.onion } });
}
