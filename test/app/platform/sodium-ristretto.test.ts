import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { sodiumElementMul } from '../../../src/app/platform/sodium-ristretto.js';
import { BASEPOINT, GROUP_ORDER, IDENTITY, elementFromUniformBytes, encodeElement, mulElement } from '../../../src/core/crypto/ristretto.js';

describe('sodiumElementMul agrees with the pure ristretto255 multiply', () => {
  test.prop([fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.bigInt({ min: 0n, max: GROUP_ORDER * 2n })], { numRuns: 200 })(
    'random elements and scalars (including ≥ ℓ)',
    (u, s) => {
      const p = elementFromUniformBytes(u);
      expect(encodeElement(sodiumElementMul(p, s))).toEqual(encodeElement(mulElement(p, s)));
    },
  );
  it('edge cases: zero scalar, identity, ℓ, basepoint', () => {
    expect(sodiumElementMul(BASEPOINT, 0n).equals(IDENTITY)).toBe(true);
    expect(sodiumElementMul(BASEPOINT, GROUP_ORDER).equals(IDENTITY)).toBe(true);
    expect(sodiumElementMul(IDENTITY, 12345n).equals(IDENTITY)).toBe(true);
    expect(sodiumElementMul(BASEPOINT, 1n).equals(BASEPOINT)).toBe(true);
    expect(sodiumElementMul(BASEPOINT, GROUP_ORDER - 1n).equals(BASEPOINT.negate())).toBe(true);
  });
});
