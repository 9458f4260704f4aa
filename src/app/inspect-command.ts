// `cwtch-tui inspect STRING`: one JSON object describing any string a user might paste.
// Exit 0 for a valid string, 1 for an invalid one, with a one-line reason; never a stack trace.

import { toBase64 } from '../core/bytes.js';
import { nobleBackend } from '../core/crypto/backend-noble.js';
import type { ServerBundle } from '../core/groups/bundle.js';
import type { GroupInvite } from '../core/groups/invite.js';
import { decodePaste, guessPasteKind } from '../core/paste.js';
import { toSafeText } from '../core/text/safe-text.js';
import { nodePbkdf2 } from './platform/node-platform.js';

function bundleView(b: ServerBundle): Record<string, unknown> {
  return {
    server: b.server,
    tokenService: b.tokenService,
    privacyPassKey: toBase64(b.privacyPassY),
    signatureValid: true,
    keyTypes: [...b.keys.keys()].map((k) => toSafeText(k, { singleLine: true, maxLength: 64 })),
  };
}

function inviteView(i: GroupInvite): Record<string, unknown> {
  // The group name is chosen by whoever made the invite: shown only as safe text.
  return { groupId: i.groupId, groupName: toSafeText(i.groupName, { singleLine: true, maxLength: 128 }), server: i.serverHost, groupIdMatches: true };
}

export function inspect(text: string): { valid: boolean; json: Record<string, unknown> } {
  const r = decodePaste(nobleBackend, nodePbkdf2, text);
  if (!r.ok) {
    return { valid: false, json: { kind: guessPasteKind(text) ?? 'unknown', valid: false, code: r.error.code, reason: r.error.reason } };
  }
  const p = r.value;
  switch (p.kind) {
    case 'onion':
      return { valid: true, json: { kind: 'onion', valid: true, onion: p.onion.onion, publicKey: toBase64(p.onion.publicKey), version: 3 } };
    case 'server':
      return { valid: true, json: { kind: 'server', valid: true, ...bundleView(p.bundle) } };
    case 'invite':
      return { valid: true, json: { kind: 'invite', valid: true, ...inviteView(p.invite) } };
    case 'tofubundle':
      return { valid: true, json: { kind: 'tofubundle', valid: true, bundle: bundleView(p.bundle), invite: inviteView(p.invite) } };
  }
}

export function inspectCommand(text: string): number {
  const { valid, json } = inspect(text);
  process.stdout.write(JSON.stringify(json) + '\n');
  return valid ? 0 : 1;
}
