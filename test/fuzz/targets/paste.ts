// Pasted strings: server bundles, group invites, tofubundles, the paste box, onion addresses. The generators
// mutate the JSON *inside* the base64 layer, where byte flips on the outer text would only hit base64 errors.

import fc from 'fast-check';
import { onionFromPublicKey, decodeOnion } from '../../../src/core/crypto/onion.js';
import { KEY_BULLETIN_BOARD, KEY_PRIVACY_PASS, KEY_TOKEN_SERVICE, decodeServerBundle, sameBundleKeys } from '../../../src/core/groups/bundle.js';
import { decodeInvite, decodeTofuBundle, inviteString } from '../../../src/core/groups/invite.js';
import { MAX_PASTE_BYTES } from '../../../src/core/limits.js';
import { decodePaste } from '../../../src/core/paste.js';
import { expectResult, expectThat, mutatedBytes, type FuzzTarget, type LinearCase } from '../harness.js';
import { base64Text, jsonObject, utf8 } from '../json-gen.js';
import { backend, bundleJson, bundleText, inviteText, otherOnion, pbkdf2, serverOnion, tofuText, tokenOnion } from './fixtures.js';

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Onion-ish strings: valid ones in odd case and spacing, and near misses. */
export const onionText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(serverOnion, tokenOnion, otherOnion, `${serverOnion}.onion`, serverOnion.toUpperCase(), ` ${serverOnion}\n`, serverOnion.slice(1), `${serverOnion}a`),
  fc.tuple(fc.nat(55), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567018!'.split(''))).map(([i, c]) => serverOnion.slice(0, i) + c + serverOnion.slice(i + 1)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => onionFromPublicKey(b)),
);

const keysObject = jsonObject([
  [KEY_BULLETIN_BOARD, onionText.map((s) => JSON.stringify(s))],
  [KEY_TOKEN_SERVICE, onionText.map((s) => JSON.stringify(s))],
  [KEY_PRIVACY_PASS, base64Text([31, 32, 33])],
]);
const bundleJsonArb = fc.oneof(
  mutatedBytes([utf8(bundleJson)]),
  jsonObject([['Keys', keysObject], ['Signature', base64Text([63, 64, 65])]]).map(utf8),
);
export const bundleArb: fc.Arbitrary<string> = bundleJsonArb.map((j) => `server:${b64(j)}`);

const inviteJson = unb64(inviteText.slice('torv3'.length));
export const inviteArb: fc.Arbitrary<string> = fc
  .oneof(
    mutatedBytes([inviteJson]),
    jsonObject([
      ['GroupID', fc.constantFrom('"00112233445566778899aabbccddeeff"', '"0011"', '"00112233445566778899AABBCCDDEEFF"')],
      ['GroupName', fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s))],
      ['SharedKey', base64Text([31, 32, 33])],
      ['ServerHost', onionText.map((s) => JSON.stringify(s))],
    ]).map(utf8),
  )
  .map((j) => `torv3${b64(j)}`);

const sep = fc.constantFrom('||', '|', '|||', '', '||||', ' || ');
const tofuArb = fc.tuple(fc.oneof(bundleArb, fc.constant(bundleText)), sep, fc.oneof(inviteArb, fc.constant(inviteText))).map(([a, s, b]) => `tofubundle:${a}${s}${b}`);

/** Paste-sized inputs: long runs of separators and base64. */
function pasteLinear(prefix: string): LinearCase<string>[] {
  const sizes = [256, 2048, MAX_PASTE_BYTES - 64];
  return [
    { shape: 'long base64', sizes, make: (n) => prefix + 'A'.repeat(n - (n % 4)) },
    { shape: 'many separators', sizes, make: (n) => prefix + '||'.repeat(n / 2) },
    { shape: 'whitespace', sizes, make: (n) => ' '.repeat(n / 2) + prefix + ' '.repeat(n / 2) },
  ];
}

export const serverBundle: FuzzTarget<'string'> = {
  name: 'server-bundle',
  kind: 'string',
  seeds: () => [bundleText],
  generator: () => bundleArb,
  check: (s) => {
    const r = decodeServerBundle(backend, s);
    expectResult(r, 'decodeServerBundle');
    if (r.ok) expectThat(sameBundleKeys(r.value, r.value) && decodeOnion(r.value.server).ok && r.value.privacyPassY.length === 32, 'bundle shape');
  },
  linear: pasteLinear('server:'),
};

export const groupInvite: FuzzTarget<'string'> = {
  name: 'group-invite',
  kind: 'string',
  seeds: () => [inviteText],
  generator: () => inviteArb,
  check: (s) => {
    const r = decodeInvite(pbkdf2, s);
    expectResult(r, 'decodeInvite');
    if (r.ok) expectThat(decodeInvite(pbkdf2, inviteString(r.value)).ok, 'a decoded invite does not re-decode');
  },
  linear: pasteLinear('torv3'),
};

export const tofuBundle: FuzzTarget<'string'> = {
  name: 'tofubundle',
  kind: 'string',
  seeds: () => [tofuText],
  generator: () => tofuArb,
  check: (s) => {
    const r = decodeTofuBundle(backend, pbkdf2, s);
    expectResult(r, 'decodeTofuBundle');
    if (r.ok) expectThat(r.value.invite.serverHost === r.value.bundle.server, 'invite and bundle servers differ');
  },
  linear: pasteLinear('tofubundle:'),
};

export const paste: FuzzTarget<'string'> = {
  name: 'paste',
  kind: 'string',
  seeds: () => [tofuText, bundleText, inviteText, serverOnion, `${otherOnion}.onion`],
  generator: () => fc.oneof(tofuArb, bundleArb, inviteArb, onionText, fc.string({ maxLength: 80 })),
  check: (s) => {
    const r = decodePaste(backend, pbkdf2, s);
    expectResult(r, 'decodePaste');
  },
  linear: [...pasteLinear(''), ...pasteLinear('tofubundle:server:')],
};

export const onion: FuzzTarget<'string'> = {
  name: 'onion',
  kind: 'string',
  seeds: () => [serverOnion, `${tokenOnion}.onion`, serverOnion.toUpperCase()],
  generator: () => onionText,
  check: (s) => {
    const r = decodeOnion(s);
    expectResult(r, 'decodeOnion');
    if (r.ok) expectThat(onionFromPublicKey(r.value.publicKey) === r.value.onion, 'onion does not round-trip');
  },
  linear: [
    { shape: 'long garbage', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], make: (n) => 'a'.repeat(n) },
    { shape: 'whitespace', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], make: (n) => ' '.repeat(n) + serverOnion + ' '.repeat(n) },
  ],
};
