// Tapir framing: the stream splitter (any chunking) and the 8192-byte packet decoder, plain and sealed.

import fc from 'fast-check';
import { MAX_ENCRYPTED_PAYLOAD, MAX_PLAINTEXT_PAYLOAD, PACKET_SIZE } from '../../../src/core/limits.js';
import { FrameDecoder, decodePacket, encodePlainPacket, encodeSealedPacket } from '../../../src/core/tapir/framing.js';
import { expectResult, expectThat, splitAt, type FuzzTarget } from '../harness.js';
import { backend } from './fixtures.js';

const KEY = new Uint8Array(32).fill(7);
const nonce = (n: number): Uint8Array => new Uint8Array(24).fill(n);

function unwrap(r: { ok: boolean; value?: Uint8Array }): Uint8Array {
  if (!r.ok || r.value === undefined) throw new Error('fixture failed to encode');
  return r.value;
}

const payload = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
const plain = (n: number): Uint8Array => unwrap(encodePlainPacket(payload(n)));
const sealed = (n: number): Uint8Array => unwrap(encodeSealedPacket(payload(n), KEY, nonce(n & 0xff), backend));

/** An 8192-byte packet with a chosen 2-byte length prefix (varint edge cases) and random filler. */
const craftedPacket: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0xff, 0xfd, 0xfe), fc.constantFrom(0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xff), fc.nat(255))
  .map(([b0, b1, fill]) => {
    const p = new Uint8Array(PACKET_SIZE).fill(fill);
    p[0] = b0;
    p[1] = b1;
    return p;
  });

const flippedSealed: fc.Arbitrary<Uint8Array> = fc.tuple(fc.nat(MAX_ENCRYPTED_PAYLOAD), fc.nat(PACKET_SIZE - 1), fc.nat(7)).map(([n, at, bit]) => {
  const p = sealed(n % 300);
  p[at] = p[at]! ^ (1 << bit);
  return p;
});

export const tapirPacket: FuzzTarget<'bytes'> = {
  name: 'tapir-packet',
  kind: 'bytes',
  seeds: () => [plain(0), plain(136), plain(MAX_PLAINTEXT_PAYLOAD), sealed(0), sealed(136), sealed(MAX_ENCRYPTED_PAYLOAD)],
  generator: () => fc.oneof(craftedPacket, flippedSealed),
  check: (b) => {
    const p = decodePacket(b, null, backend);
    expectResult(p, 'plain');
    if (p.ok) expectThat(p.value.length <= MAX_PLAINTEXT_PAYLOAD, 'plain payload over the limit');
    const s = decodePacket(b, KEY, backend);
    expectResult(s, 'sealed');
    if (s.ok) expectThat(s.value.length <= MAX_ENCRYPTED_PAYLOAD, 'sealed payload over the limit');
  },
};

export const tapirFrame: FuzzTarget<'chunks'> = {
  name: 'tapir-frame',
  kind: 'chunks',
  seeds: () => [[plain(5)], splitAt(new Uint8Array([...plain(1), ...sealed(2), ...plain(3)]), [1, 8191, 8193, 20000]), [new Uint8Array(100)]],
  generator: () =>
    fc
      .tuple(fc.nat(3 * PACKET_SIZE + 10), fc.array(fc.nat(), { maxLength: 40 }), fc.nat(255))
      .map(([n, cuts, fill]) => splitAt(new Uint8Array(n).fill(fill), cuts)),
  check: (chunks) => {
    const d = new FrameDecoder();
    let bytes = 0;
    let packets = 0;
    for (const c of chunks) {
      bytes += c.length;
      for (const p of d.push(c)) {
        expectThat(p.length === PACKET_SIZE, 'a packet is not 8192 bytes');
        expectResult(decodePacket(p, null, backend), 'decodePacket');
        packets++;
      }
      expectThat(d.pending < PACKET_SIZE, 'holds a whole packet');
    }
    expectThat(packets * PACKET_SIZE + d.pending === bytes, 'bytes lost or invented');
  },
  linear: [
    {
      shape: 'one-byte chunks',
      sizes: [2 * PACKET_SIZE, 16 * PACKET_SIZE],
      make: (n) => Array.from({ length: n }, () => Uint8Array.of(1)),
    },
    {
      shape: 'one big chunk',
      sizes: [16 * PACKET_SIZE, 128 * PACKET_SIZE],
      make: (n) => [new Uint8Array(n)],
    },
  ],
};
