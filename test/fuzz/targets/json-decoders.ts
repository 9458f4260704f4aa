// The JSON decoders of the peer protocol: Go-JSON helpers, AuthMessage, PeerMessage v1/v2, overlays.

import fc from 'fast-check';
import { getArray, getBool, getBytes, getField, getInt, getObject, getString, parseJsonObject } from '../../../src/core/codec/go-json.js';
import { decodeAuthMessage, encodeAuthMessage } from '../../../src/core/tapir/apps/auth-message.js';
import { OVERLAY_GROUP_INVITE, OVERLAY_QUOTED_REPLY, OVERLAY_SUGGEST_CONTACT, decodeOverlay, encodeOverlay, overlayText, validateOverlayData } from '../../../src/core/peer/overlay.js';
import { ackFor, decodePeerMessage, encodePeerMessage, isValidToken, versionAnnouncement } from '../../../src/core/peer/peer-message.js';
import { expectResult, expectThat, type FuzzTarget, type LinearCase } from '../harness.js';
import { base64Text, jsonObject, utf8 } from '../json-gen.js';
import { otherOnion, tofuText } from './fixtures.js';

/** Adversarial JSON shapes every JSON decoder gets in the linear-time test. */
/**
 * Wire JSON arrives in one Tapir packet (≤ 8150 bytes), so 2 KiB → 128 KiB already goes 16× past anything a peer can
 * send; at 1 MiB V8's own JSON.parse and GC dominate and their non-linearity is not ours to fix.
 */
export function jsonLinearCases(wrap: (json: string) => Uint8Array, sizes: readonly number[] = [2 * 1024, 16 * 1024, 128 * 1024]): LinearCase<Uint8Array>[] {
  return [
    { shape: 'deep nesting', sizes, make: (n) => wrap('{"a":' + '['.repeat(n / 2) + ']'.repeat(n / 2) + '}') },
    { shape: 'many keys', sizes, make: (n) => wrap('{' + Array.from({ length: n / 12 }, (_, i) => `"k${(i % 1e6).toString().padStart(6, '0')}":1`).join(',') + '}') },
    { shape: 'many separators', sizes, make: (n) => wrap('{"a":[' + '0,'.repeat(n / 2) + '0]}') },
    { shape: 'long escapes', sizes, make: (n) => wrap('{"ID":"' + '\\u00e9'.repeat(n / 6) + '"}') },
    { shape: 'long key', sizes, make: (n) => wrap('{"' + 'K'.repeat(n) + '":1}') },
  ];
}

const names = ['ID', 'Data', 'a', '', 'MessageType'];

export const goJsonTarget: FuzzTarget<'bytes'> = {
  name: 'go-json',
  kind: 'bytes',
  seeds: () => [utf8('{"ID":"x","Data":"AAEC","a":[1,2],"":{}}'), utf8('{"id":1,"ID":2}'), utf8('[]'), utf8('"\\ud800"')],
  generator: () => jsonObject(names.map((n) => [n, base64Text()] as const)).map(utf8),
  check: (b) => {
    const r = parseJsonObject(b);
    expectResult(r, 'parseJsonObject(bytes)');
    expectResult(parseJsonObject(new TextDecoder().decode(b)), 'parseJsonObject(text)');
    if (!r.ok) return;
    for (const n of names) {
      getField(r.value, n);
      const s = getString(r.value, n);
      expectThat(s === undefined || typeof s === 'string', 'getString');
      const by = getBytes(r.value, n);
      expectThat(by === undefined || by === null || by instanceof Uint8Array, 'getBytes');
      const i = getInt(r.value, n);
      expectThat(i === undefined || Number.isSafeInteger(i), 'getInt');
      getBool(r.value, n);
      getObject(r.value, n);
      getArray(r.value, n);
    }
  },
  // Timed on one lookup per name: the check's 35 getter calls multiply the slow per-key case folding (see report).
  linear: jsonLinearCases(utf8).map((c) => ({
    ...c,
    run: (b: Uint8Array) => {
      const r = parseJsonObject(b);
      if (r.ok) for (const n of names) getField(r.value, n);
    },
  })),
};

const key32 = new Uint8Array(32).fill(0xab);

export const authMessage: FuzzTarget<'bytes'> = {
  name: 'auth-message',
  kind: 'bytes',
  seeds: () => [encodeAuthMessage({ longTermPublicKey: key32, ephemeralPublicKey: key32 })],
  generator: () => jsonObject([['LongTermPublicKey', base64Text()], ['EphemeralPublicKey', base64Text()]]).map(utf8),
  check: (b) => {
    const r = decodeAuthMessage(b);
    expectResult(r, 'decodeAuthMessage');
    if (r.ok) expectThat(r.value.longTermPublicKey.length === 32 && r.value.ephemeralPublicKey.length === 32, 'key sizes');
  },
  linear: jsonLinearCases(utf8),
};

const token = fc.oneof(fc.constantFrom('im.cwtch.raw', 'im.cwtch.version', 'a', '.', ''), fc.stringMatching(/^[A-Za-z0-9.|{}"]{0,140}$/));

export const peerMessage: FuzzTarget<'bytes'> = {
  name: 'peer-message',
  kind: 'bytes',
  seeds: () => [
    encodePeerMessage(versionAnnouncement(), 1),
    encodePeerMessage({ id: 'abc', context: 'im.cwtch.raw', data: utf8('{"o":1,"d":"hi"}') }, 2),
    encodePeerMessage(ackFor('m1'), 1),
    encodePeerMessage(ackFor('m1'), 2),
  ],
  generator: () =>
    fc.oneof(
      jsonObject([['ID', token.map((s) => JSON.stringify(s))], ['Context', token.map((s) => JSON.stringify(s))], ['Data', base64Text([0, 1, 2, 100])]]).map(utf8),
      fc.tuple(token, token, fc.uint8Array({ maxLength: 64 })).map(([a, c, d]) => new Uint8Array([...utf8(`${a}|${c}|`), ...d])),
    ),
  check: (b) => {
    const r = decodePeerMessage(b);
    expectResult(r, 'decodePeerMessage');
    if (r.ok) {
      expectThat(isValidToken(r.value.id) && isValidToken(r.value.context), 'id/context outside the token alphabet');
      expectThat(r.value.framing === 1 || r.value.framing === 2, 'framing');
    }
  },
  linear: [
    ...jsonLinearCases(utf8),
    { shape: 'v2 many pipes', sizes: [2 * 1024, 16 * 1024, 128 * 1024], make: (n) => utf8('a|b|' + '|'.repeat(n)) },
    { shape: 'v2 no pipes', sizes: [2 * 1024, 16 * 1024, 128 * 1024], make: (n) => new Uint8Array(n).fill(0x61) },
  ],
};

const overlayData = fc.oneof(
  fc.constantFrom('hi', otherOnion, `${otherOnion}.onion`, tofuText, '{"quotedHash":"x","body":"b"}', '{"body":1}', '{'),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

export const overlay: FuzzTarget<'bytes'> = {
  name: 'overlay',
  kind: 'bytes',
  seeds: () => [
    encodeOverlay({ overlay: 1, data: 'hello <b>' }),
    encodeOverlay({ overlay: OVERLAY_QUOTED_REPLY, data: '{"quotedHash":"aa","body":"quoted"}' }),
    encodeOverlay({ overlay: OVERLAY_SUGGEST_CONTACT, data: otherOnion }),
    encodeOverlay({ overlay: OVERLAY_GROUP_INVITE, data: tofuText }),
  ],
  generator: () =>
    jsonObject([
      ['o', fc.constantFrom('1', '10', '100', '101', '0', '-1', '2147483648', '1.0', '"1"')],
      ['d', overlayData.map((s) => JSON.stringify(s))],
    ]).map(utf8),
  check: (b) => {
    const r = decodeOverlay(b);
    expectResult(r, 'decodeOverlay');
    if (!r.ok) return;
    expectThat(Number.isInteger(r.value.overlay) && typeof r.value.data === 'string', 'overlay shape');
    expectResult(validateOverlayData(r.value), 'validateOverlayData');
    expectThat(typeof overlayText(r.value) === 'string', 'overlayText');
  },
  linear: jsonLinearCases(utf8),
};
