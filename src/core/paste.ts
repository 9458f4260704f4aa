// One paste box takes an onion address, a server bundle or a group invite (Cwtch behaviour, docs/ux.md).
// This recognises which it is and validates it fully (checksum, signature, group id) before anything is done.

import type { CryptoBackend, Pbkdf2 } from './crypto/backend.js';
import { decodeOnion, type DecodedOnion } from './crypto/onion.js';
import { decodeServerBundle, SERVER_BUNDLE_PREFIX, type ServerBundle } from './groups/bundle.js';
import { decodeInvite, decodeTofuBundle, INVITE_PREFIX, TOFU_PREFIX, type GroupInvite } from './groups/invite.js';
import { MAX_PASTE_BYTES } from './limits.js';
import { fail, ok, type Result } from './result.js';

export type PasteKind = 'onion' | 'server' | 'invite' | 'tofubundle';

export type Paste =
  | { readonly kind: 'onion'; readonly onion: DecodedOnion }
  | { readonly kind: 'server'; readonly bundle: ServerBundle }
  | { readonly kind: 'invite'; readonly invite: GroupInvite }
  | { readonly kind: 'tofubundle'; readonly bundle: ServerBundle; readonly invite: GroupInvite };

/** What the text looks like, before validation (so an error can say "this server bundle is invalid"). */
export function guessPasteKind(text: string): PasteKind | null {
  const s = text.trim();
  if (s.startsWith(TOFU_PREFIX)) return 'tofubundle';
  if (s.startsWith(SERVER_BUNDLE_PREFIX)) return 'server';
  if (s.startsWith(INVITE_PREFIX)) return 'invite';
  if (/^[A-Za-z2-7]{56}(\.onion)?$/.test(s) || /^[A-Za-z0-9]{40,70}(\.onion)?$/.test(s)) return 'onion';
  return null;
}

export function decodePaste(backend: CryptoBackend, pbkdf2: Pbkdf2, text: string): Result<Paste & { kind: PasteKind }> {
  if (typeof text !== 'string' || text.length > MAX_PASTE_BYTES) return fail('paste.too-long', 'that is too long to be an address, bundle or invite');
  switch (guessPasteKind(text)) {
    case 'tofubundle': {
      const r = decodeTofuBundle(backend, pbkdf2, text);
      return r.ok ? ok({ kind: 'tofubundle', ...r.value }) : r;
    }
    case 'server': {
      const r = decodeServerBundle(backend, text);
      return r.ok ? ok({ kind: 'server', bundle: r.value }) : r;
    }
    case 'invite': {
      const r = decodeInvite(pbkdf2, text);
      return r.ok ? ok({ kind: 'invite', invite: r.value }) : r;
    }
    case 'onion': {
      const r = decodeOnion(text);
      return r.ok ? ok({ kind: 'onion', onion: r.value }) : r;
    }
    default:
      return fail('paste.unknown', 'not an onion address, a server bundle ("server:…") or a group invite ("torv3…")');
  }
}
