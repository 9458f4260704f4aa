import { fc, test } from '@fast-check/vitest';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.js';
import {
  BASEPOINT,
  GROUP_ORDER,
  decodeElement,
  decodeScalar,
  elementFromBase64,
  elementFromUniformBytes,
  elementToBase64,
  encodeElement,
  encodeScalar,
  mulElement,
  scalarFromBase64,
  scalarFromUniformBytes,
  scalarInvert,
  scalarMul,
  scalarToBase64,
} from '../../../src/core/crypto/ristretto.js';
import { hex, loadVector } from '../../vectors/load.js';

interface RistrettoVectors {
  small_multiples_of_B: string[];
  from_uniform_bytes: { input_utf8: string; uniform_bytes_hex: string; element_hex: string }[];
  equivalent_uniform_inputs: { inputs_hex: string[]; element_hex: string };
  bad_encodings_hex: string[];
  extra_computed_here: {
    scalar_from_uniform_sha512_Hello_World: { uniform_hex: string; scalar_le_hex: string; scalar_base64: string };
    element_from_uniform_sha512_Hello_World: { element_hex: string; element_base64: string };
    basepoint_base64: string;
  };
}
const v = loadVector<RistrettoVectors>('ristretto255');

describe('ristretto255 (ristretto255.json)', () => {
  it('small multiples of B encode as RFC 9496 says and decode back', () => {
    v.small_multiples_of_B.forEach((h, i) => {
      const p = mulElement(BASEPOINT, BigInt(i));
      expect(toHex(encodeElement(p))).toBe(h);
      const d = decodeElement(hex(h));
      expect(d).not.toBeNull();
      expect(d!.equals(p)).toBe(true);
    });
  });

  it('every bad encoding decodes to null without throwing', () => {
    for (const h of v.bad_encodings_hex) expect(decodeElement(hex(h))).toBeNull();
  });

  it('from uniform bytes (= SHA-512 of the RFC sentences) gives the RFC elements', () => {
    for (const f of v.from_uniform_bytes) {
      expect(toHex(sha512(utf8(f.input_utf8)))).toBe(f.uniform_bytes_hex);
      expect(toHex(encodeElement(elementFromUniformBytes(hex(f.uniform_bytes_hex))))).toBe(f.element_hex);
    }
  });

  it('equivalent uniform inputs map to the same element', () => {
    for (const h of v.equivalent_uniform_inputs.inputs_hex) {
      expect(toHex(encodeElement(elementFromUniformBytes(hex(h))))).toBe(v.equivalent_uniform_inputs.element_hex);
    }
  });

  it('scalar and element from SHA-512("Hello World"), with base64 forms', () => {
    const s = v.extra_computed_here.scalar_from_uniform_sha512_Hello_World;
    const sc = scalarFromUniformBytes(hex(s.uniform_hex));
    expect(toHex(encodeScalar(sc))).toBe(s.scalar_le_hex);
    expect(scalarToBase64(sc)).toBe(s.scalar_base64);
    expect(scalarFromBase64(s.scalar_base64)).toBe(sc);
    const e = v.extra_computed_here.element_from_uniform_sha512_Hello_World;
    const el = elementFromUniformBytes(hex(s.uniform_hex));
    expect(toHex(encodeElement(el))).toBe(e.element_hex);
    expect(elementToBase64(el)).toBe(e.element_base64);
    expect(elementFromBase64(e.element_base64)!.equals(el)).toBe(true);
    expect(elementToBase64(BASEPOINT)).toBe(v.extra_computed_here.basepoint_base64);
  });

  it('decodeScalar refuses ℓ and above, accepts ℓ−1', () => {
    expect(decodeScalar(encodeScalarRaw(GROUP_ORDER))).toBeNull();
    expect(decodeScalar(new Uint8Array(32).fill(0xff))).toBeNull();
    expect(decodeScalar(encodeScalarRaw(GROUP_ORDER - 1n))).toBe(GROUP_ORDER - 1n);
    expect(decodeScalar(new Uint8Array(31))).toBeNull();
  });

  it('scalar inverse undoes multiplication', () => {
    const a = scalarFromUniformBytes(sha512(utf8('a')));
    expect(scalarMul(a, scalarInvert(a))).toBe(1n);
    const p = mulElement(BASEPOINT, a);
    expect(mulElement(p, scalarInvert(a)).equals(BASEPOINT)).toBe(true);
  });
});

function encodeScalarRaw(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

describe('ristretto255 decoders are total', () => {
  test.prop([fc.uint8Array({ minLength: 0, maxLength: 40 })])('decodeElement never throws', (b) => {
    const p = decodeElement(b);
    if (p !== null) expect(toHex(encodeElement(p))).toBe(toHex(b));
  });
  test.prop([fc.uint8Array({ minLength: 0, maxLength: 40 })])('decodeScalar never throws; accepted means canonical', (b) => {
    const s = decodeScalar(b);
    if (s !== null) expect(toHex(encodeScalar(s))).toBe(toHex(b));
  });
  test.prop([fc.string({ maxLength: 60 })])('base64 decoders never throw', (s) => {
    elementFromBase64(s);
    scalarFromBase64(s);
  });
  test.prop([fc.uint8Array({ minLength: 64, maxLength: 64 })])('uniform bytes give a canonical element and scalar', (b) => {
    const p = elementFromUniformBytes(b);
    expect(decodeElement(encodeElement(p))!.equals(p)).toBe(true);
    expect(scalarFromUniformBytes(b) < GROUP_ORDER).toBe(true);
  });
});
