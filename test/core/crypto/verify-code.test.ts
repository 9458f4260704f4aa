// Verification codes (docs/protocol.md §12.7): the vectors (computed with Python's hashlib, independently of src/),
// through both PBKDF2 ports; the code is the same on both sides for any pair; each half depends on one key only.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { noblePbkdf2 } from '../../../src/core/crypto/pbkdf2-noble.js';
import { VERIFY_CODE_LABEL, verifyCode, verifyHalf } from '../../../src/core/crypto/verify-code.js';
import { VERIFY_CODE_ITERATIONS } from '../../../src/core/limits.js';
import { hex, loadVector } from '../../vectors/load.js';

interface Vectors {
  readonly iterations: number;
  readonly label: string;
  readonly halves: readonly { readonly public_hex: string; readonly half: string }[];
  readonly pairs: readonly { readonly a_public_hex: string; readonly b_public_hex: string; readonly code: string }[];
}
const v = loadVector<Vectors>('verify-code');

describe('verification code vectors', () => {
  it('uses the documented label and iteration count', () => {
    expect(v.label).toBe(VERIFY_CODE_LABEL);
    expect(v.iterations).toBe(VERIFY_CODE_ITERATIONS);
  });

  it.each([
    ['node:crypto', nodePbkdf2],
    ['noble', noblePbkdf2],
  ] as const)('halves and codes match with the %s PBKDF2', (_name, pbkdf2) => {
    for (const h of v.halves) expect(verifyHalf(pbkdf2, hex(h.public_hex))).toBe(h.half);
    for (const p of v.pairs) {
      expect(verifyCode(pbkdf2, hex(p.a_public_hex), hex(p.b_public_hex))).toBe(p.code);
      expect(verifyCode(pbkdf2, hex(p.b_public_hex), hex(p.a_public_hex))).toBe(p.code);
    }
  }, 60_000);
});

describe('verification code properties', () => {
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 });

  // The order of the halves is what makes both sides agree; it does not depend on the iteration count, so the
  // 1,000 pairs run at one iteration (at 50,000 they would take a minute) and a few at the real count.
  it('is the same on both sides, for 1,000 random key pairs', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const mine = verifyCode(nodePbkdf2, a, b, 1);
        expect(verifyCode(nodePbkdf2, b, a, 1)).toBe(mine);
        expect(mine).toMatch(/^\d{5}( \d{5}){5}$/);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(verifyCode(nodePbkdf2, a, b)).toBe(verifyCode(nodePbkdf2, b, a));
      }),
      { numRuns: 10 },
    );
  });

  it('each half is one key\'s: a different other key changes only the other half', () => {
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        fc.pre(new Set([a, b, c].map((k) => Buffer.from(k).toString('hex'))).size === 3);
        const ab = verifyCode(nodePbkdf2, a, b, 1).split(' ');
        const ac = verifyCode(nodePbkdf2, a, c, 1).split(' ');
        const half = verifyHalf(nodePbkdf2, a, 1);
        expect(ab.slice(0, 3).join(' ') === half || ab.slice(3).join(' ') === half).toBe(true);
        expect(ac.slice(0, 3).join(' ') === half || ac.slice(3).join(' ') === half).toBe(true);
        expect(ab).not.toEqual(ac);
      }),
      { numRuns: 300 },
    );
  });
});
