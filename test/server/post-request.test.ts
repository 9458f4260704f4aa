// The board's exact-shape PostRequest decoder against the general one: wherever it answers, it answers the same
// message, and its spend data is postSpendData's bytes.

import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/core/bytes.js';
import { decodeBoardMessage, encodeBoardMessage, postSpendData, type BoardMessage } from '../../src/core/groups/board-messages.js';
import { decodeExactPost } from '../../src/server/post-request.js';
import { random } from './helpers.js';

const onionText = 'a'.repeat(56);
const onion = utf8(onionText);

function packet(ctLen = 4500, sigLen = 64, tLen = 32, macLen = 64): Uint8Array {
  return encodeBoardMessage({
    type: 'post-request',
    token: { T: random.bytes(tLen), MAC: random.bytes(macLen) },
    egm: { ciphertext: random.bytes(ctLen), signature: random.bytes(sigLen) },
  });
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Plain arrays, so a Buffer and a Uint8Array with the same bytes compare equal. */
function plain(m: BoardMessage): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)));
}

/** The exact decoder either declines or agrees with decodeBoardMessage (and then with postSpendData). */
function agrees(b: Uint8Array): 'declined' | 'same' {
  const fast = decodeExactPost(b, onion);
  if (fast === null) return 'declined';
  const general = decodeBoardMessage(b);
  expect(general.ok).toBe(true);
  if (!general.ok) throw new Error('unreachable');
  expect(plain(fast.message)).toEqual(plain(general.value));
  if (general.value.type !== 'post-request') throw new Error('not a post');
  expect(Array.from(fast.spendData)).toEqual(Array.from(postSpendData(general.value.egm, onionText)));
  return 'same';
}

describe('decodeExactPost', () => {
  it('decodes what encodeBoardMessage writes, for every ciphertext length up to a packet, the same as the general decoder', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 1000, 4500, 5900]) expect(agrees(packet(n))).toBe('same');
  });

  it('declines other sizes of token or signature (the general decoder judges them) and anything not in the exact shape', () => {
    expect(agrees(packet(100, 0))).toBe('declined');
    expect(agrees(packet(100, 65))).toBe('declined');
    expect(agrees(packet(100, 64, 31))).toBe('declined');
    expect(agrees(packet(100, 64, 32, 65))).toBe('declined');
    const t = text(packet(300));
    for (const variant of [
      t.replace('{"MessageType":2,', '{"MessageType": 2,'),
      t.replace('"T":', '"t":'),
      t.replace('"EGM":{"Ciphertext"', '"EGM":{ "Ciphertext"'),
      t.replace(/"Ciphertext":"(.)/, '"Ciphertext":"\\u0041'),
      t.replace(/"Ciphertext":"(.)/, '"Ciphertext":"\\/'),
      t.slice(0, -1),
      `${t} `,
    ]) {
      expect(agrees(utf8(variant))).toBe('declined');
    }
  });

  it('declines non-canonical base64 (trailing bits set, base64url, missing padding), as the strict decoder refuses or reads it', () => {
    const t = text(packet(301));
    // 301 bytes end in one '=': the last digit before it carries 2 unused bits.
    const m = /"Ciphertext":"([^"]*)"/.exec(t)!;
    const ct = m[1]!;
    const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = ct[ct.length - 2]!;
    const bumped = digits[(digits.indexOf(last) & ~3) | 1]!;
    const withCt = (c: string): string => t.replace(ct, c);
    expect(agrees(utf8(withCt(ct.slice(0, -2) + bumped + '=')))).toBe('declined');
    expect(agrees(utf8(withCt(ct.slice(0, -1))))).toBe('declined');
    expect(agrees(utf8(withCt(ct.replace(/\+/g, '-').replace(/\//g, '_'))))).toMatch(/declined|same/);
  });

  it('never disagrees with the general decoder on mutated packets', () => {
    const base = packet(200);
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const b = base.slice();
      const flips = 1 + (i % 3);
      for (let f = 0; f < flips; f++) b[random.bytes(2).reduce((a, x) => a * 256 + x, 0) % b.length] = random.bytes(1)[0]!;
      if (agrees(b) === 'same') same++;
    }
    // Most flips land in base64 runs and leave valid, canonical base64: those are decoded, the rest declined.
    expect(same).toBeGreaterThan(0);
  });
});
