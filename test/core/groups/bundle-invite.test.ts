import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../../../src/core/bytes.js';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { identityFromSeed } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import { decodeServerBundle, makeServerBundle, sameBundleKeys, serverBundleJson, serverBundleString } from '../../../src/core/groups/bundle.js';
import { decodeInvite, decodeTofuBundle, groupIdFor, inviteString, tofuBundleString } from '../../../src/core/groups/invite.js';
import { decodePaste } from '../../../src/core/paste.js';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { hex, loadVector } from '../../vectors/load.js';

interface KB {
  server_key: { seed_hex: string; onion: string };
  token_service_key: { onion: string };
  privacy_pass_Y_hex: string;
  signed_bytes_utf8: string;
  signature_hex: string;
  serialized_bundle_json: string;
  server_bundle_string: string;
}
const kb = loadVector<KB>('keybundle');
const gm = loadVector<{ group: { group_key_hex: string; server_onion: string; group_id: string }; group_invite: { json: string; invite_string: string } }>('group_message');

/** Change one character to another of the same alphabet, so only the content is wrong. */
function corrupt(s: string, at: number): string {
  const c = s[at]!;
  const alt = c === 'A' ? 'B' : c === 'a' ? 'b' : c === '2' ? '3' : /[A-Z]/.test(c) ? 'A' : /[a-z]/.test(c) ? 'a' : /[0-9]/.test(c) ? '2' : 'x';
  return s.slice(0, at) + alt + s.slice(at + 1);
}

describe('server key bundle (keybundle.json)', () => {
  const server = identityFromSeed(nobleBackend, hex(kb.server_key.seed_hex));
  it('reproduces the signed bytes, signature, JSON and server: string', () => {
    const b = makeServerBundle(server.onion, kb.token_service_key.onion as OnionAddress, hex(kb.privacy_pass_Y_hex), (m) => {
      expect(new TextDecoder().decode(m)).toBe(kb.signed_bytes_utf8);
      return nobleBackend.ed25519Sign(m, server.seed);
    });
    expect(toHex(b.signature)).toBe(kb.signature_hex);
    expect(serverBundleJson(b)).toBe(kb.serialized_bundle_json);
    expect(serverBundleString(b)).toBe(kb.server_bundle_string);
  });
  it('decodes and verifies the vector bundle', () => {
    const r = decodeServerBundle(nobleBackend, kb.server_bundle_string);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.server).toBe(kb.server_key.onion);
    expect(r.value.tokenService).toBe(kb.token_service_key.onion);
    expect(toHex(r.value.privacyPassY)).toBe(kb.privacy_pass_Y_hex);
    expect(sameBundleKeys(r.value, r.value)).toBe(true);
  });
  it('rejects a one-character corruption anywhere in the base64', () => {
    const body = kb.server_bundle_string.slice('server:'.length);
    for (let i = 0; i < body.length - 2; i += 7) {
      const r = decodeServerBundle(nobleBackend, 'server:' + corrupt(body, i));
      expect(r.ok, `position ${i}`).toBe(false);
    }
  });
  it('rejects a bundle signed by another key, with the reason', () => {
    const other = identityFromSeed(nobleBackend, new Uint8Array(32).fill(9));
    const b = makeServerBundle(server.onion, kb.token_service_key.onion as OnionAddress, hex(kb.privacy_pass_Y_hex), (m) => nobleBackend.ed25519Sign(m, other.seed));
    const r = decodeServerBundle(nobleBackend, serverBundleString(b));
    expect(r.ok ? 'ok' : r.error.code).toBe('bundle.bad-signature');
  });
  it('rejects a bundle missing a key type', () => {
    const json = kb.serialized_bundle_json.replace(/"privacy_pass_public_key":"[^"]*",/, '');
    const r = decodeServerBundle(nobleBackend, 'server:' + toBase64(utf8(json)));
    expect(r.ok ? 'ok' : r.error.code).toBe('bundle.privacy-pass');
  });
});

describe('group invite (group_message.json)', () => {
  const key = hex(gm.group.group_key_hex);
  const server = gm.group.server_onion as OnionAddress;
  it('derives the group id and reproduces the invite string', () => {
    const id = groupIdFor(nodePbkdf2, key, server);
    expect(id).toBe(gm.group.group_id);
    expect(inviteString({ groupId: id, groupName: 'test group', sharedKey: key, serverHost: server })).toBe(gm.group_invite.invite_string);
  });
  it('decodes the vector invite', () => {
    const r = decodeInvite(nodePbkdf2, gm.group_invite.invite_string);
    expect(r.ok && r.value.groupName).toBe('test group');
  });
  it('refuses an invite whose group id does not match its key and server', () => {
    const forged = gm.group_invite.json.replace(gm.group.group_id, '0'.repeat(32));
    const r = decodeInvite(nodePbkdf2, 'torv3' + toBase64(utf8(forged)));
    expect(r.ok ? 'ok' : r.error.code).toBe('invite.group-id-mismatch');
  });
  it('rejects one-character corruptions', () => {
    const body = gm.group_invite.invite_string.slice(5);
    let rejected = 0;
    let n = 0;
    for (let i = 0; i < body.length - 2; i += 5) {
      n++;
      if (!decodeInvite(nodePbkdf2, 'torv3' + corrupt(body, i)).ok) rejected++;
    }
    // A corruption inside the free-text GroupName is still a valid invite (it is only a label); everything else fails.
    expect(rejected).toBeGreaterThan(n * 0.8);
  });
  it('tofubundle: bundle + invite, and a server mismatch is refused', () => {
    const bundle = decodeServerBundle(nobleBackend, kb.server_bundle_string);
    const inv = decodeInvite(nodePbkdf2, gm.group_invite.invite_string);
    if (!bundle.ok || !inv.ok) throw new Error('vectors');
    const text = tofuBundleString(bundle.value, inv.value);
    expect(text.startsWith('tofubundle:server:')).toBe(true);
    expect(text.endsWith('||' + gm.group_invite.invite_string)).toBe(true);
    const r = decodeTofuBundle(nobleBackend, nodePbkdf2, text);
    expect(r.ok).toBe(true);
    const otherServer = identityFromSeed(nobleBackend, new Uint8Array(32).fill(7)).onion;
    const inv2 = inviteString({ groupId: groupIdFor(nodePbkdf2, key, otherServer), groupName: 'x', sharedKey: key, serverHost: otherServer });
    const r2 = decodeTofuBundle(nobleBackend, nodePbkdf2, `tofubundle:${kb.server_bundle_string}||${inv2}`);
    expect(r2.ok ? 'ok' : r2.error.code).toBe('tofu.server-mismatch');
  });
});

describe('paste decoder is total', () => {
  fcTest.prop([fc.string({ maxLength: 300 })])('arbitrary strings give a result, never a throw', (s) => {
    const r = decodePaste(nobleBackend, nodePbkdf2, s);
    expect(typeof r.ok).toBe('boolean');
  });
  fcTest.prop([fc.constantFrom('server:', 'torv3', 'tofubundle:server:', 'tofubundle:'), fc.base64String({ maxLength: 400 })])(
    'prefixed base64 garbage is refused with a reason',
    (prefix, b64) => {
      const r = decodePaste(nobleBackend, nodePbkdf2, prefix + b64);
      if (!r.ok) expect(r.error.reason.length).toBeGreaterThan(0);
    },
  );
});
