// core/bytes base64 sits on the post hot path (rewritten for speed while building the server): it must stay
// exactly Go's StdEncoding — same output as Node's encoder, strict and canonical on input.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../../src/core/bytes.js';

describe('base64 (Go StdEncoding)', () => {
  test.prop([fc.uint8Array({ maxLength: 300 })])('round trip, identical to Buffer', (b) => {
    const s = toBase64(b);
    expect(s).toBe(Buffer.from(b).toString('base64'));
    expect(fromBase64(s)).toEqual(b);
  });
  test.prop([fc.string({ maxLength: 40 })])('any string: null or the canonical encoding of the result', (s) => {
    const d = fromBase64(s);
    if (d !== null) expect(toBase64(d)).toBe(s);
  });
  it('refuses non-canonical, unpadded, whitespace and foreign alphabets', () => {
    for (const bad of ['QQ', 'QR==', 'QUJ=', 'QUI', ' QUI=', 'QU I', 'QUI=\n', '-_8=', 'é===', '====', 'QQ=A']) expect(fromBase64(bad)).toBeNull();
    expect(fromBase64('')).toEqual(new Uint8Array(0));
    expect(fromBase64('QQ==')).toEqual(Uint8Array.of(65));
    expect(fromBase64('QUI=')).toEqual(Uint8Array.of(65, 66));
  });
});
