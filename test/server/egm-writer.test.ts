// The replay's EGM writer must send exactly the bytes encodeEgm defines (what a post's token was bound to and what
// Go servers send), whatever the sizes, and each write must not depend on what the reused buffer held before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEgm } from '../../src/core/groups/board-messages.js';
import { EgmWriter } from '../../src/server/egm-writer.js';

const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: 0, maxLength: max });

describe('EgmWriter', () => {
  it('writes the bytes encodeEgm produces, for random ciphertexts and signatures in any order of sizes', () => {
    const w = new EgmWriter();
    fc.assert(
      fc.property(fc.array(fc.tuple(bytes(4000), bytes(80)), { minLength: 1, maxLength: 6 }), (msgs) => {
        for (const [ciphertext, signature] of msgs) {
          expect(Uint8Array.from(w.write(ciphertext, signature))).toEqual(encodeEgm({ ciphertext, signature }));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepts views into a larger buffer (offsets are honoured, not the whole backing store)', () => {
    fc.assert(
      fc.property(bytes(600), fc.nat(50), fc.nat(50), (all, a, b) => {
        const start = Math.min(a, all.length);
        const end = Math.max(start, all.length - b);
        const ciphertext = all.subarray(start, end);
        const signature = all.subarray(0, start);
        expect(Uint8Array.from(new EgmWriter().write(ciphertext, signature))).toEqual(encodeEgm({ ciphertext, signature }));
      }),
    );
  });
});
