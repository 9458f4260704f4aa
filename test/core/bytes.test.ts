// base64 in src/core is hand-written (no Buffer in core): it must agree with Node's own encoder and decoder.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { base64EncodeInto, base64Length, fromBase64, toBase64 } from '../../src/core/bytes.js';

describe('base64', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 })])('toBase64 equals Node\'s standard base64, and fromBase64 reads it back', (d) => {
    const s = toBase64(d);
    expect(s).toBe(Buffer.from(d).toString('base64'));
    expect(fromBase64(s)).toEqual(d);
  });

  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat(9), fc.nat(9)])('base64EncodeInto writes only its own range of the buffer', (d, pre, post) => {
    const out = new Uint8Array(pre + base64Length(d.length) + post).fill(7);
    expect(base64EncodeInto(d, out, pre)).toBe(pre + base64Length(d.length));
    expect(new TextDecoder().decode(out.subarray(pre, pre + base64Length(d.length)))).toBe(Buffer.from(d).toString('base64'));
    expect([...out.subarray(0, pre), ...out.subarray(pre + base64Length(d.length))].every((x) => x === 7)).toBe(true);
  });
});
