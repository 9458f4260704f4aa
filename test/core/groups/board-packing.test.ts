import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { decodeBoardMessage, encodeBoardMessage, type EncryptedGroupMessage } from '../../../src/core/groups/board-messages.js';
import {
  PACKED_TAG,
  PackedStreamReader,
  decodePackedStream,
  encodePackedLive,
  encodePackedStream,
} from '../../../src/core/groups/board-packing.js';
import { PACKED_MAX_CIPHERTEXT_BYTES, PACKED_MAX_PAYLOAD } from '../../../src/core/limits.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const egmArb = (maxCt = 3000): fc.Arbitrary<EncryptedGroupMessage> =>
  fc.record({ signature: fc.uint8Array({ minLength: 64, maxLength: 64 }), ciphertext: fc.uint8Array({ minLength: 1, maxLength: maxCt }) });
const egmsArb = fc.array(egmArb(), { maxLength: 12 });

/** The entry stream without packet boundaries (each packet minus its tag). */
function streamOf(packets: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((n, p) => n + p.length - 1, 0));
  let at = 0;
  for (const p of packets) {
    out.set(p.subarray(1), at);
    at += p.length - 1;
  }
  return out;
}

/** `stream` cut at `cuts` (relative positions) into tagged packets of at most PACKED_MAX_PAYLOAD bytes. */
function repack(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * stream.length)))].filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of [...points, stream.length]) {
    for (let a = from; a < to; a += PACKED_MAX_PAYLOAD - 1) {
      const b = Math.min(to, a + PACKED_MAX_PAYLOAD - 1);
      out.push(Uint8Array.of(PACKED_TAG, ...stream.subarray(a, b)));
    }
    from = to;
  }
  return out;
}

describe('packed replay negotiation (ReplayRequest / ReplayResult "Packing")', () => {
  it('is one extra member both ways, and nothing when absent (Go bytes)', () => {
    expect(text(encodeBoardMessage({ type: 'replay-request', lastCommit: null, packing: 1 }))).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null,"Packing":1}}');
    expect(text(encodeBoardMessage({ type: 'replay-request', lastCommit: null }))).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null}}');
    expect(text(encodeBoardMessage({ type: 'replay-result', numMessages: 3, fullResync: true, packing: 1 }))).toBe(
      '{"MessageType":1,"ReplayResult":{"NumMessages":3,"FullResync":true,"Packing":1}}',
    );
    expect(decodeBoardMessage(utf8('{"MessageType":0,"ReplayRequest":{"LastCommit":null,"packing":2}}'))).toEqual({ ok: true, value: { type: 'replay-request', lastCommit: null, packing: 2 } });
    // Anything but a positive integer reads as no ask, as if from Go.
    for (const v of ['0', '-1', '1.5', '"1"', 'true', 'null']) {
      const m = decodeBoardMessage(utf8(`{"MessageType":1,"ReplayResult":{"NumMessages":0,"Packing":${v}}}`));
      expect(m.ok && m.value).toStrictEqual({ type: 'replay-result', numMessages: 0, fullResync: false });
    }
  });
});

describe('packed entry stream', () => {
  it('writes the documented bytes (docs/sync-extension.md)', () => {
    const [p] = encodePackedStream([{ signature: new Uint8Array(64).fill(1), ciphertext: Uint8Array.of(0xaa, 0xbb) }]);
    expect([...p!]).toEqual([PACKED_TAG, 0x00, 0x02, ...new Array<number>(64).fill(1), 0xaa, 0xbb]);
  });

  test.prop([egmsArb])('round trips; every packet but the last is full, none is longer than a packet holds', (egms) => {
    const packets = encodePackedStream(egms);
    expect(decodePackedStream(packets, egms.length)).toEqual({ ok: true, value: egms });
    for (const [i, p] of packets.entries()) {
      expect(p[0]).toBe(PACKED_TAG);
      if (i < packets.length - 1) expect(p.length).toBe(PACKED_MAX_PAYLOAD);
      else expect(p.length).toBeLessThanOrEqual(PACKED_MAX_PAYLOAD);
    }
  });

  test.prop([egmsArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 })])('decodes the same stream however it is cut into packets', (egms, cuts) => {
    expect(decodePackedStream(repack(streamOf(encodePackedStream(egms)), cuts), egms.length)).toEqual({ ok: true, value: egms });
  });

  test.prop([fc.array(egmArb(PACKED_MAX_CIPHERTEXT_BYTES), { minLength: 1, maxLength: 6 })])('live packets hold whole entries and stand alone', (egms) => {
    const got: EncryptedGroupMessage[] = [];
    for (const p of encodePackedLive(egms)) {
      expect(p.length).toBeLessThanOrEqual(PACKED_MAX_PAYLOAD);
      expect(new PackedStreamReader(Number.MAX_SAFE_INTEGER, true).readWhole(p, (e) => got.push(e)).ok).toBe(true);
    }
    expect(got).toEqual(egms);
  });

  it('hands out views only when asked to (transient ciphertexts), and always a fresh signature', () => {
    const egms = [{ signature: new Uint8Array(64).fill(2), ciphertext: new Uint8Array(5000).fill(3) }, { signature: new Uint8Array(64).fill(4), ciphertext: new Uint8Array(5000).fill(5) }];
    const packets = encodePackedStream(egms);
    for (const copy of [true, false]) {
      const r = new PackedStreamReader(2, copy);
      const seen: { sigOwn: boolean; ctOwn: boolean; ct: number[] }[] = [];
      for (const p of packets) {
        const step = r.read(p, (e) => seen.push({ sigOwn: e.signature.byteOffset === 0 && e.signature.buffer.byteLength === 64, ctOwn: e.ciphertext.buffer.byteLength === e.ciphertext.length, ct: [e.ciphertext[0]!, e.ciphertext.length] }));
        expect(step.ok).toBe(true);
      }
      expect(seen.map((s) => s.ct)).toEqual([[3, 5000], [5, 5000]]);
      expect(seen.every((s) => s.sigOwn)).toBe(true);
      expect(seen.every((s) => s.ctOwn)).toBe(copy);
    }
  });
});

describe('hostile packings: refused with an error value, never a throw', () => {
  const one = { signature: new Uint8Array(64).fill(9), ciphertext: new Uint8Array(100).fill(8) };
  const good = encodePackedStream([one, one, one]);
  const code = (r: { ok: boolean; error?: { code: string } }): string | undefined => (r.ok ? undefined : r.error?.code);
  const withLength = (len: number): Uint8Array => {
    const p = good[0]!.slice();
    p[1] = len >> 8;
    p[2] = len & 0xff;
    return p;
  };

  it('refuses each kind by name', () => {
    expect(code(decodePackedStream(good, 2))).toBe('board.packed-count'); // more messages than announced
    expect(code(decodePackedStream(good, 4))).toBe('board.packed-count'); // fewer
    expect(code(decodePackedStream([Uint8Array.of(...good[0]!, 0)], 3))).toBe('board.packed-count'); // trailing byte
    expect(code(decodePackedStream([good[0]!.subarray(0, good[0]!.length - 1)], 3))).toBe('board.packed-count'); // cut short
    expect(code(decodePackedStream([withLength(0)], 3))).toBe('board.packed-size');
    expect(code(decodePackedStream([withLength(PACKED_MAX_CIPHERTEXT_BYTES + 1)], 3))).toBe('board.packed-size');
    expect(code(decodePackedStream([withLength(0xffff)], 3))).toBe('board.packed-size');
    // An entry whose length runs over the next one ("overlap"): the stream loses its framing and is refused.
    expect(decodePackedStream([withLength(150)], 3).ok).toBe(false);
    expect(code(decodePackedStream([Uint8Array.of(PACKED_TAG)], 1))).toBe('board.packed');
    expect(code(decodePackedStream([utf8('{"Ciphertext":"","Signature":""}')], 1))).toBe('board.packed');
    expect(code(decodePackedStream([new Uint8Array(PACKED_MAX_PAYLOAD + 1)], 1))).toBe('board.packed');
    // Live: an entry cut at the end of its packet; a raw message inside an entry.
    const r = new PackedStreamReader(Number.MAX_SAFE_INTEGER, true);
    const big = encodePackedStream([{ signature: one.signature, ciphertext: new Uint8Array(5000) }, { signature: one.signature, ciphertext: new Uint8Array(5000) }]);
    expect(code(r.readWhole(big[0]!, () => undefined))).toBe('board.packed-partial');
    expect(code(r.takeRaw())).toBe('board.packed-partial');
  });

  test.prop([fc.array(fc.uint8Array({ maxLength: 400 }).map((b) => (b.length > 0 && b[0]! < 128 ? Uint8Array.of(PACKED_TAG, ...b) : b)), { maxLength: 6 }), fc.nat(20)])(
    'any packets: a result, and whatever is accepted is well-formed and exactly as many as announced',
    (packets, announced) => {
      const r = decodePackedStream(packets, announced);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) {
        expect(r.value).toHaveLength(announced);
        for (const e of r.value) {
          expect(e.signature).toHaveLength(64);
          expect(e.ciphertext.length).toBeGreaterThanOrEqual(1);
          expect(e.ciphertext.length).toBeLessThanOrEqual(PACKED_MAX_CIPHERTEXT_BYTES);
        }
      }
    },
  );

  test.prop([fc.array(egmArb(600), { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 255 })])('one byte changed in a valid stream: still a result, never a throw', (egms, where, delta) => {
    const packets = encodePackedStream(egms);
    const stream = streamOf(packets);
    const i = where % stream.length;
    stream[i] = (stream[i]! + delta) & 0xff;
    const r = decodePackedStream(repack(stream, []), egms.length);
    expect(typeof r.ok).toBe('boolean');
    if (r.ok) expect(r.value).toHaveLength(egms.length);
  });
});
