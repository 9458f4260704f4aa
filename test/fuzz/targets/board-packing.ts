// Packed replay (docs/sync-extension.md): the entry-stream reader a client runs on a hostile server's packets. The
// input's first chunk carries the announced count (its first byte); every further chunk is one packet's payload.

import fc from 'fast-check';
import { bytesEqual } from '../../../src/core/bytes.js';
import { PACKED_TAG, PackedStreamReader, decodePackedStream, encodePackedLive, encodePackedStream } from '../../../src/core/groups/board-packing.js';
import { PACKED_MAX_CIPHERTEXT_BYTES, PACKED_MAX_PAYLOAD } from '../../../src/core/limits.js';
import { concat, expectResult, expectThat, splitAt, type FuzzTarget } from '../harness.js';

const entry = (n: number, size: number) => ({ signature: new Uint8Array(64).fill(n), ciphertext: new Uint8Array(size).fill(n + 1) });
const streamOf = (packets: readonly Uint8Array[]): Uint8Array => concat(packets.map((p) => p.subarray(1)));

export const boardPacking: FuzzTarget<'chunks'> = {
  name: 'board-packing',
  kind: 'chunks',
  seeds: () => [
    [Uint8Array.of(3), ...encodePackedStream([entry(1, 10), entry(2, 1), entry(3, 300)])],
    // Entries that span packets.
    [Uint8Array.of(4), ...encodePackedStream([entry(4, 2697), entry(5, 2697), entry(6, 2697), entry(7, PACKED_MAX_CIPHERTEXT_BYTES)])],
    [Uint8Array.of(2), ...encodePackedLive([entry(8, 5000), entry(9, 5000)])],
    [Uint8Array.of(0)],
  ],
  generator: () =>
    fc.oneof(
      // A valid stream re-cut anywhere, with an announcement near the truth.
      fc
        .tuple(fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: -1, max: 1 }))
        .map(([sizes, cuts, off]) => {
          const stream = streamOf(encodePackedStream(sizes.map((s, i) => entry(i, s))));
          const packets = splitAt(stream, cuts).flatMap((c) => splitAt(c, Array.from({ length: Math.floor(c.length / (PACKED_MAX_PAYLOAD - 1)) }, (_, k) => (k + 1) * (PACKED_MAX_PAYLOAD - 1))));
          return [Uint8Array.of(Math.max(0, sizes.length + off)), ...packets.map((p) => Uint8Array.of(PACKED_TAG, ...p))];
        }),
      fc.tuple(fc.nat(40), fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 6 })).map(([n, ps]) => [Uint8Array.of(n), ...ps.map((p) => Uint8Array.of(PACKED_TAG, ...p))]),
    ),
  check: (chunks) => {
    const announced = chunks[0]?.[0] ?? 0;
    const packets = chunks.slice(1);
    const r = decodePackedStream(packets, announced);
    expectResult(r, 'packed stream');
    if (r.ok) {
      expectThat(r.value.length === announced, 'a stream was accepted with another count than announced');
      for (const e of r.value) expectThat(e.signature.length === 64 && e.ciphertext.length >= 1 && e.ciphertext.length <= PACKED_MAX_CIPHERTEXT_BYTES, 'an entry of the wrong size was accepted');
      expectThat(bytesEqual(streamOf(encodePackedStream(r.value)), streamOf(packets)), 'the accepted stream does not re-encode to itself');
    }
    // As the client's replay loop reads it (raw packets between entries), and each packet as a live push.
    const reader = new PackedStreamReader(announced, false);
    for (const p of packets) {
      const step = p[0] === PACKED_TAG ? reader.read(p, () => undefined) : reader.takeRaw();
      expectResult(step, 'replay step');
      if (!step.ok) break;
    }
    for (const p of packets) expectResult(new PackedStreamReader(Number.MAX_SAFE_INTEGER, true).readWhole(p, () => undefined), 'live packet');
  },
};
