import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nodeHmacSha3_512, sodiumElementMul } from '../../../src/app/platform/sodium-ristretto.js';
import { nobleHmacSha3_512 } from '../../../src/core/privacypass/token.js';
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

describe('nodeHmacSha3_512', () => {
  test.prop([fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 5000 })], { numRuns: 50 })('equals the pure HMAC-SHA3-512', (k, d) => {
    expect(nodeHmacSha3_512(k, d)).toEqual(nobleHmacSha3_512(k, d));
  });
});
