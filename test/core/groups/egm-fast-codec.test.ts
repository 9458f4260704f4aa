// The replay path's direct EGM writer/reader must agree byte for byte and value for value with the general Go-JSON
// codec it replaces on the hot path (which stays the fallback for every other shape).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Bytes, fromBase64BytesInto, toBase64, utf8 } from '../../../src/core/bytes.js';
import { TransientEgmDecoder, decodeEgm, decodeEgmGeneral, encodeEgm, encodeEgmGeneral, type EncryptedGroupMessage } from '../../../src/core/groups/board-messages.js';
import type { Result } from '../../../src/core/result.js';

const egmArb = fc.record({ ciphertext: fc.uint8Array({ maxLength: 3000 }), signature: fc.uint8Array({ maxLength: 80 }) });

/** Mutations that keep most of a valid encoding: what a hostile or non-Go server might send. */
const mutated = fc
  .tuple(egmArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'truncate', 'space'))
  .map(([e, at, byte, how]) => {
    const b = encodeEgm(e);
    const i = b.length === 0 ? 0 : at % b.length;
    if (how === 'flip') {
      const c = Uint8Array.from(b);
      c[i] = byte;
      return c;
    }
    if (how === 'truncate') return b.subarray(0, i);
    const extra = how === 'space' ? 32 : byte;
    const c = new Uint8Array(b.length + 1);
    c.set(b.subarray(0, i));
    c[i] = extra;
    c.set(b.subarray(i), i + 1);
    return c;
  });

describe('EGM direct codec', () => {
  test.prop([egmArb])('encodeEgm writes exactly what the Go-JSON encoder writes', (e) => {
    expect(encodeEgm(e)).toEqual(encodeEgmGeneral(e));
  });

  test.prop([egmArb])('decodeEgm reads back what it wrote', (e) => {
    const d = decodeEgm(encodeEgm(e));
    expect(d).toEqual({ ok: true, value: e });
  });

  test.prop([fc.oneof(mutated, fc.uint8Array({ maxLength: 200 }))], { numRuns: 2000 })('decodeEgm gives the general parser\'s answer on any bytes', (b) => {
    expect(decodeEgm(b)).toEqual(decodeEgmGeneral(b));
  });

  it('falls back to the general parser for other valid shapes', () => {
    const ct = toBase64(utf8('ct'));
    const sig = toBase64(utf8('sig'));
    for (const s of [
      ` {"Ciphertext":"${ct}","Signature":"${sig}"}`,
      `{"Signature":"${sig}","Ciphertext":"${ct}"}`,
      `{"ciphertext":"${ct}","Signature":"${sig}"}`,
      `{"Ciphertext":"${ct.replace('/', '\\/')}","Signature":"${sig}"}`,
      `{"Ciphertext":"${ct}","Signature":"${sig}"}\n`,
      `{"Ciphertext":null,"Signature":"${sig}"}`,
      `{"Ciphertext":"${ct}","Signature":"${sig}","Signature":"${ct}"}`,
      `{"Ciphertext":"${ct}","Ciphertext":"${sig}","Signature":"${sig}"}`,
    ]) {
      const d = decodeEgm(utf8(s));
      expect(d.ok).toBe(true);
      expect(d).toEqual(decodeEgmGeneral(utf8(s)));
    }
  });

  it('refuses bad base64 with the general parser\'s code', () => {
    const d = decodeEgm(utf8('{"Ciphertext":"AB=A","Signature":""}'));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.code).toBe('board.egm');
  });
});

/** A decode result with its arrays copied, so a transient view can be compared after the next decode. */
const settled = (r: Result<EncryptedGroupMessage>) => (r.ok ? { ok: true, value: { ciphertext: r.value.ciphertext.slice(), signature: r.value.signature } } : r);

describe('TransientEgmDecoder', () => {
  test.prop([fc.array(fc.oneof(egmArb.map(encodeEgm), mutated, fc.uint8Array({ maxLength: 200 })), { maxLength: 8 })], { numRuns: 1000 })(
    'one decoder over a sequence gives decodeEgm\'s answer for each message (the reuse never leaks between messages)',
    (msgs) => {
      const d = new TransientEgmDecoder();
      for (const m of msgs) expect(settled(d.decode(m))).toEqual(decodeEgm(m));
    },
  );

  it('reuses its buffer for exact-shape messages: the previous ciphertext is a view that the next decode overwrites', () => {
    const d = new TransientEgmDecoder();
    const a = d.decode(encodeEgm({ ciphertext: utf8('first ciphertext'), signature: utf8('sig-a') }));
    const keptSig = a.ok ? a.value.signature : null;
    const b = d.decode(encodeEgm({ ciphertext: utf8('other ciphertext'), signature: utf8('sig-b') }));
    expect(a.ok && b.ok && a.value.ciphertext.buffer === b.value.ciphertext.buffer).toBe(true);
    expect(a.ok && a.value.ciphertext).toEqual(utf8('other ciphertext'));
    // Signatures are the caller's to keep.
    expect(keptSig).toEqual(utf8('sig-a'));
  });
});

describe('fromBase64Bytes', () => {
  const b64ish = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=é\u0080 '.split('')), maxLength: 40 });
  test.prop([fc.oneof(b64ish, fc.uint8Array({ maxLength: 60 }).map(toBase64), fc.string())], { numRuns: 2000 })('agrees with fromBase64 on the same text', (s) => {
    const bytes = utf8(s);
    // Non-ASCII text has more bytes than characters; both must refuse it.
    expect(fromBase64Bytes(bytes, 0, bytes.length)).toEqual(fromBase64(s));
  });

  test.prop([fc.uint8Array({ maxLength: 60 }), fc.nat(10), fc.nat(10)])('decodes a range inside a larger buffer', (data, pre, post) => {
    const b64 = utf8(toBase64(data));
    const buf = new Uint8Array(pre + b64.length + post).fill(65);
    buf.set(b64, pre);
    expect(fromBase64Bytes(buf, pre, pre + b64.length)).toEqual(data);
  });

  test.prop([fc.oneof(fc.uint8Array({ maxLength: 60 }).map((d) => utf8(toBase64(d))), fc.uint8Array({ maxLength: 60 })), fc.nat(8), fc.nat(8)])(
    'fromBase64BytesInto writes what fromBase64Bytes returns, or refuses the same input or a too-small output',
    (src, off, spare) => {
      const ref = fromBase64Bytes(src, 0, src.length);
      const out = new Uint8Array(off + (ref?.length ?? 0) + spare);
      const n = fromBase64BytesInto(src, 0, src.length, out, off);
      expect(n).toBe(ref === null ? -1 : ref.length);
      if (ref !== null) expect(out.subarray(off, off + n)).toEqual(ref);
      if (ref !== null && ref.length > 0) expect(fromBase64BytesInto(src, 0, src.length, new Uint8Array(off + ref.length - 1), off)).toBe(-1);
    },
  );
});
