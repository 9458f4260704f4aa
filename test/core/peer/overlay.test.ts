import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromUtf8Strict } from '../../../src/core/bytes.js';
import { decodeOverlay, encodeOverlay, overlayText, validateOverlayData } from '../../../src/core/peer/overlay.js';
import { newMessageId } from '../../../src/core/peer/peer-app.js';

describe('overlay {"o":N,"d":"…"}', () => {
  it('encodes like Go json.Marshal (HTML escaping) and decodes back', () => {
    const b = encodeOverlay({ overlay: 1, data: 'a<b>&c' });
    expect(fromUtf8Strict(b)).toBe('{"o":1,"d":"a\\u003cb\\u003e\\u0026c"}');
    expect(decodeOverlay(b)).toEqual({ ok: true, value: { overlay: 1, data: 'a<b>&c' } });
  });
  it('refuses non-objects and wrong types with a code, never throws', () => {
    expect(decodeOverlay('[]').ok).toBe(false);
    expect(decodeOverlay('{"o":"1","d":"x"}')).toMatchObject({ ok: false, error: { code: 'overlay.o' } });
    expect(decodeOverlay('{"o":1,"d":5}')).toMatchObject({ ok: false, error: { code: 'overlay.d' } });
    expect(decodeOverlay('{"O":1,"D":"case"}')).toEqual({ ok: true, value: { overlay: 1, data: 'case' } });
  });
  it('validates quoted replies and suggested contacts; shows a reply by its body', () => {
    expect(validateOverlayData({ overlay: 10, data: '{"quotedHash":"x","body":"hi"}' }).ok).toBe(true);
    expect(validateOverlayData({ overlay: 10, data: 'nope' }).ok).toBe(false);
    expect(validateOverlayData({ overlay: 100, data: 'not an onion' }).ok).toBe(false);
    expect(overlayText({ overlay: 10, data: '{"quotedHash":"x","body":"hi"}' })).toBe('hi');
  });
  fcTest.prop([fc.uint8Array({ maxLength: 300 })])('any bytes decode to a value or an error', (b) => {
    const r = decodeOverlay(b);
    expect(typeof r.ok).toBe('boolean');
  });
  fcTest.prop([fc.integer({ min: 0, max: 1000 }), fc.string()])('round trip', (o, d) => {
    expect(decodeOverlay(encodeOverlay({ overlay: o, data: d }))).toEqual({ ok: true, value: { overlay: o, data: d.toWellFormed() } });
  });
  it('message ids are decimal strings below 2^32', () => {
    const max = newMessageId({ bytes: (n) => new Uint8Array(n).fill(0xff) });
    expect(max).toBe(String(2 ** 32 - 1));
    expect(newMessageId({ bytes: (n) => new Uint8Array(n) })).toBe('0');
  });
});
