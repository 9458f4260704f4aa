// What the paste box was given, decided before anything is sent so the user can read what will
// happen. Only shape is checked here; the engine validates the content and answers with ok/error.

import { decodeOnion } from '../../core/crypto/onion.js';

export type PasteKind =
  | { readonly kind: 'contact'; readonly onion: string }
  | { readonly kind: 'server-bundle' }
  | { readonly kind: 'group-invite'; readonly withServer: boolean }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown'; readonly code: string; readonly reason: string };

/** Classify pasted text: an onion address, a server bundle (`server:` / `tofubundle:`) or a group invite (`torv3`, or `tofubundle:` with its server). */
export function classifyPaste(raw: string): PasteKind {
  const s = raw.trim();
  if (s.length === 0) return { kind: 'empty' };
  // tofubundle = the server's bundle followed by a group invite (docs/protocol.md §7.3).
  if (s.startsWith('tofubundle:')) return { kind: 'group-invite', withServer: true };
  if (s.startsWith('server:')) return { kind: 'server-bundle' };
  if (s.startsWith('torv3')) return { kind: 'group-invite', withServer: false };
  const onion = decodeOnion(s);
  if (onion.ok) return { kind: 'contact', onion: onion.value.onion };
  return { kind: 'unknown', code: onion.error.code, reason: onion.error.reason };
}

/** What confirming will do, in words. */
export function pasteConsequence(k: PasteKind): string {
  switch (k.kind) {
    case 'contact':
      return 'This is a Cwtch address. Confirming adds it as a contact and sends a contact request when they are online.';
    case 'server-bundle':
      return 'This is a server bundle. Confirming imports the server; groups can then be created on it. Servers see when you sync, not who you are.';
    case 'group-invite':
      return k.withServer
        ? 'This is a group invite with its server bundle. Confirming imports the server, joins the group and starts syncing. Groups are experimental.'
        : 'This is a group invite. Confirming joins the group and starts syncing its server. Groups are experimental.';
    case 'empty':
      return 'Paste an onion address, a server bundle or a group invite.';
    case 'unknown':
      return `Not recognised: ${k.reason}.`;
  }
}
