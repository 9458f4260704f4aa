import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../src/app/line-reader.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('LineReader (bounded)', () => {
  it('splits lines across chunks, strips CR, keeps a last unterminated line for end()', () => {
    const r = new LineReader(100);
    expect(r.push(enc('{"a":1}\r\n{"b"'))).toEqual([{ kind: 'line', text: '{"a":1}' }]);
    expect(r.push(enc(':2}\nlast'))).toEqual([{ kind: 'line', text: '{"b":2}' }]);
    expect(r.end()).toEqual([{ kind: 'line', text: 'last' }]);
  });

  it('refuses an over-long line once, skips to its newline, then goes on', () => {
    const r = new LineReader(10);
    const out = [...r.push(enc('x'.repeat(6))), ...r.push(enc('y'.repeat(1_000_000))), ...r.push(enc('zz\nok\n'))];
    expect(out).toEqual([{ kind: 'too-long' }, { kind: 'line', text: 'ok' }]);
  });

  fcTest.prop([fc.array(fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')), { maxLength: 20 }), fc.integer({ min: 1, max: 7 })])(
    'any chunking gives the same lines',
    (lines, step) => {
      const all = enc(lines.map((l) => l + '\n').join(''));
      const r = new LineReader(1000);
      const got: string[] = [];
      for (let i = 0; i < all.length; i += step) for (const e of r.push(all.subarray(i, i + step))) if (e.kind === 'line') got.push(e.text);
      expect(got).toEqual(lines.map((l) => new TextDecoder().decode(enc(l)).replace(/\r$/, '')));
    },
  );
});
