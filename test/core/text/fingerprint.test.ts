import { describe, expect, it } from 'vitest';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { fingerprint, FINGERPRINT_PALETTE_SIZE } from '../../../src/core/text/fingerprint.js';
import { toSafeText } from '../../../src/core/text/safe-text.js';

function onionOf(seed: number) {
  const pub = new Uint8Array(32);
  for (let i = 0; i < 32; i++) pub[i] = (seed * 131 + i * 17) & 255;
  pub[0] = seed & 255;
  pub[1] = seed >> 8;
  return onionFromPublicKey(pub);
}

describe('fingerprint', () => {
  it('shows the first 6 and last 4 characters of the address', () => {
    const onion = onionOf(1);
    const f = fingerprint(onion);
    expect(f.short).toBe(`${onion.slice(0, 6)}…${onion.slice(-4)}`);
    expect(toSafeText(f.short)).toBe(f.short);
  });
  it('gives a stable colour in range, spread over the whole palette', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 256; s++) {
      const onion = onionOf(s);
      const { colour } = fingerprint(onion);
      expect(Number.isInteger(colour) && colour >= 0 && colour < FINGERPRINT_PALETTE_SIZE).toBe(true);
      expect(fingerprint(onion).colour).toBe(colour);
      seen.add(colour);
    }
    expect(seen.size).toBe(FINGERPRINT_PALETTE_SIZE);
  });
});
