// The replay reads a batch of rows as one concatenated blob (MessageStore.replayBatch): for any stored bytes (NULs,
// invalid UTF-8, empty ciphertexts) and any range, it must give exactly the rows rows() gives, in the same order.
import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageStore, type ReplayBatch, windowEndOf } from '../../src/server/message-store.js';
import { random, tempDir } from './helpers.js';

function unpack(b: ReplayBatch): [number, Uint8Array, Uint8Array][] {
  const out: [number, Uint8Array, Uint8Array][] = [];
  let at = 0;
  for (let i = 0; i < b.count; i++) {
    const s = at + b.rows[3 * i + 1]!;
    const c = s + b.rows[3 * i + 2]!;
    out.push([b.rows[3 * i]!, Uint8Array.from(b.bytes.subarray(at, s)), Uint8Array.from(b.bytes.subarray(s, c))]);
    at = c;
  }
  expect(at).toBe(b.bytes.length);
  return out;
}

describe('MessageStore.replayBatch', () => {
  const t = tempDir('cwtch-replay-batch-');
  afterEach(() => t.cleanup());

  it('returns the rows rows() returns, byte for byte, for random contents and ranges', () => {
    let k = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 70 }), fc.uint8Array({ minLength: 0, maxLength: 300 })), { minLength: 0, maxLength: 30 }),
        fc.nat(35),
        fc.nat(35),
        fc.integer({ min: 1, max: 40 }),
        (msgs, a, b, limit) => {
          const store = new MessageStore(join(t.dir, `m${k++}.db`));
          try {
            // Signatures are the table's unique key: make each distinct by prefixing its index.
            store.commitPosts(msgs.map(([sig, ciphertext], i) => ({ tokenT: random.bytes(32), signature: Uint8Array.of(i, ...sig), ciphertext, windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S) })));
            const [from, to] = a <= b ? [a, b] : [b, a];
            const expected = store.rows(from, to, limit).map((r): [number, Uint8Array, Uint8Array] => [r.id, Uint8Array.from(r.signature), Uint8Array.from(r.ciphertext)]);
            const got = store.replayBatch(from, to, limit);
            expect(got.count).toBe(expected.length);
            expect(unpack(got)).toEqual(expected);
            // The fallback (group_concat's own ORDER BY, used if SQLite ever yields out of order) reads the same rows.
            const inner = store as unknown as { readBatch(s: unknown, f: number, t: number, l: number): ReplayBatch; stmts: { batchOrdered: unknown } };
            expect(unpack(inner.readBatch(inner.stmts.batchOrdered, from, to, limit))).toEqual(expected);
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
