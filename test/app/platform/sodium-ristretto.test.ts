import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bigintFieldPow, nativeTokenOps, nodeHmacSha3_512, nodeSpendMacKey, opensslFieldPow, sodiumElementMul, spendKeyElement } from '../../../src/app/platform/sodium-ristretto.js';
import { nobleHmacSha3_512, spendMacKey, spendToken, tokenPoint } from '../../../src/core/privacypass/token.js';
import { TokenServer } from '../../../src/core/privacypass/token-server.js';
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

describe('spendKeyElement / nodeSpendMacKey agree with the pure token path', () => {
  const scalar = fc.bigInt({ min: 1n, max: GROUP_ORDER - 1n });
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), scalar], { numRuns: 300 })('encode(k·T(t)) for random t and k', (t, k) => {
    expect(spendKeyElement(t, k)).toEqual(encodeElement(mulElement(tokenPoint(t), k)));
  });
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), scalar], { numRuns: 100 })('the pure BigInt field path too', (t, k) => {
    expect(spendKeyElement(t, k, bigintFieldPow)).toEqual(encodeElement(mulElement(tokenPoint(t), k)));
  });
  // OpenSSL's exponentiation is used when it passes its load-time self-test; on this Node it does.
  it.runIf(opensslFieldPow !== null)('the OpenSSL exponentiation equals the BigInt chains on edge and random inputs', () => {
    const P = (1n << 255n) - 19n;
    const xs = [0n, 1n, 2n, P - 2n, P - 1n, P, P + 5n, (1n << 256n) - 1n];
    for (let i = 0; i < 50; i++) xs.push(BigInt(`0x${Buffer.from(Array.from({ length: 32 }, (_, j) => (i * 97 + j * 31) & 255)).toString('hex')}`));
    const canon = (x: bigint): bigint => ((x % P) + P) % P;
    for (const x of xs) {
      expect(canon(opensslFieldPow!.pow58(x))).toBe(canon(bigintFieldPow.pow58(x)));
      expect(canon(opensslFieldPow!.inv(x))).toBe(canon(bigintFieldPow.inv(x)));
    }
  });
  test.prop([fc.uint8Array({ maxLength: 100 }), scalar], { numRuns: 100 })('the MAC key for any t length', (t, k) => {
    expect(nodeSpendMacKey(t, k)).toEqual(spendMacKey(t, mulElement(tokenPoint(t), k)));
  });
  it('switching keys between calls uses the new key (the k/4 cache)', () => {
    const t = new Uint8Array(32).fill(7);
    for (const k of [5n, 6n, 5n, GROUP_ORDER - 1n]) expect(spendKeyElement(t, k)).toEqual(encodeElement(mulElement(tokenPoint(t), k)));
  });
  it('k ≡ 0 gives the identity encoding instead of a libsodium error', () => {
    expect(spendKeyElement(new Uint8Array(32), GROUP_ORDER)).toEqual(encodeElement(IDENTITY));
  });
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), scalar, fc.uint8Array({ maxLength: 300 })], { numRuns: 50 })(
    'a TokenServer with the native ops accepts exactly what the pure one accepts',
    (t, k, data) => {
      const token = { t, r: 1n, W: mulElement(tokenPoint(t), k) };
      const spent = spendToken(token, data);
      const fast = new TokenServer(k, nativeTokenOps);
      const pure = new TokenServer(k);
      expect(fast.verifySpend(spent, data)).toBe(true);
      expect(pure.verifySpend(spent, data)).toBe(true);
      const other = Uint8Array.from(data.length > 0 ? data : [1]);
      other[0] = other[0]! ^ 1;
      expect(fast.verifySpend(spent, other)).toBe(false);
      expect(new TokenServer(k === 1n ? 2n : k - 1n, nativeTokenOps).verifySpend(spent, data)).toBe(false);
    },
  );
});
