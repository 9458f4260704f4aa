import { sha256 } from '@noble/hashes/sha2.js';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.js';
import { MAX_ENCRYPTED_PAYLOAD, MAX_PLAINTEXT_PAYLOAD, PACKET_SIZE } from '../../../src/core/limits.js';
import {
  FrameDecoder,
  decodePacket,
  encodePlainPacket,
  encodeSealedPacket,
} from '../../../src/core/tapir/framing.js';
import { decodeLengthPrefix, encodeLengthPrefix } from '../../../src/core/tapir/wire-constants.js';
import { hex, loadVector } from '../../vectors/load.js';
import { backend, nobleBackend } from './helpers.js';

interface PacketVector {
  length_prefix_examples: { length: number; prefix_hex: string }[];
  plaintext_packet: { message_utf8: string; first_32_bytes_hex: string; sha256_of_8192_bytes: string };
  encrypted_packet: { key_hex: string; nonce_hex: string; wire_8192_hex: string; sha256_of_wire: string };
}
const v = loadVector<PacketVector>('packet');

describe('length prefix (Go PutUvarint into buffer[0:2])', () => {
  it.each(v.length_prefix_examples)('$length → $prefix_hex', ({ length, prefix_hex }) => {
    expect(toHex(encodeLengthPrefix(length)!)).toBe(prefix_hex);
    const p = hex(prefix_hex);
    expect(decodeLengthPrefix(p[0]!, p[1]!)).toBe(length);
  });
  it('refuses lengths needing a third varint byte, and a prefix with two continuation bits', () => {
    expect(encodeLengthPrefix(1 << 14)).toBeNull();
    expect(decodeLengthPrefix(0x80, 0x80)).toBeNull();
  });
});

describe('packet vectors', () => {
  it('plaintext packet is byte-identical', () => {
    const p = encodePlainPacket(utf8(v.plaintext_packet.message_utf8));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value.length).toBe(PACKET_SIZE);
    expect(toHex(p.value.subarray(0, 32))).toBe(v.plaintext_packet.first_32_bytes_hex);
    expect(toHex(sha256(p.value))).toBe(v.plaintext_packet.sha256_of_8192_bytes);
  });

  it.each([
    ['noble', nobleBackend],
    ['sodium-native', backend],
  ] as const)('sealed packet is byte-identical given the vector nonce (%s)', (_n, be) => {
    const e = v.encrypted_packet;
    const p = encodeSealedPacket(utf8(v.plaintext_packet.message_utf8), hex(e.key_hex), hex(e.nonce_hex), be);
    expect(p.ok && toHex(p.value)).toBe(e.wire_8192_hex);
    const back = decodePacket(hex(e.wire_8192_hex), hex(e.key_hex), be);
    expect(back.ok && new TextDecoder().decode(back.value)).toBe(v.plaintext_packet.message_utf8);
  });
});

describe('limits and hostile packets', () => {
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(24).fill(1);
  it('enforces the payload limits on send', () => {
    expect(encodePlainPacket(new Uint8Array(MAX_PLAINTEXT_PAYLOAD)).ok).toBe(true);
    const r = encodePlainPacket(new Uint8Array(MAX_PLAINTEXT_PAYLOAD + 1));
    expect(!r.ok && r.error.code).toBe('tapir.too-large');
    expect(encodeSealedPacket(new Uint8Array(MAX_ENCRYPTED_PAYLOAD), key, nonce, backend).ok).toBe(true);
    const s = encodeSealedPacket(new Uint8Array(MAX_ENCRYPTED_PAYLOAD + 1), key, nonce, backend);
    expect(!s.ok && s.error.code).toBe('tapir.too-large');
  });
  it('round-trips the largest payloads', () => {
    const big = new Uint8Array(MAX_ENCRYPTED_PAYLOAD).map((_, i) => i & 255);
    const s = encodeSealedPacket(big, key, nonce, backend);
    const d = s.ok ? decodePacket(s.value, key, backend) : s;
    expect(d.ok && toHex(d.value)).toBe(toHex(big));
    const p = encodePlainPacket(new Uint8Array(MAX_PLAINTEXT_PAYLOAD).fill(9));
    const q = p.ok ? decodePacket(p.value, null, backend) : p;
    expect(q.ok && q.value.length).toBe(MAX_PLAINTEXT_PAYLOAD);
  });
  it('a length field larger than the packet is refused', () => {
    const p = new Uint8Array(PACKET_SIZE);
    p.set(encodeLengthPrefix(8190)!, 0);
    const r = decodePacket(p, null, backend);
    expect(!r.ok && r.error.code).toBe('tapir.length');
    p.set([0xff, 0xff], 0);
    const r2 = decodePacket(p, null, backend);
    expect(!r2.ok && r2.error.code).toBe('tapir.length');
  });
  it('a sealed region whose length exceeds 8150 is refused even with a valid MAC', () => {
    const region = new Uint8Array(PACKET_SIZE - 40);
    region.set(encodeLengthPrefix(8151)!, 0);
    const box = backend.secretboxSeal(region, nonce, key);
    const pkt = new Uint8Array(PACKET_SIZE);
    pkt.set(nonce, 0);
    pkt.set(box, 24);
    const r = decodePacket(pkt, key, backend);
    expect(!r.ok && r.error.code).toBe('tapir.length');
  });
  it('a flipped bit fails the MAC', () => {
    const s = encodeSealedPacket(utf8('hi'), key, nonce, backend);
    if (!s.ok) throw new Error('seal');
    s.value[100]! ^= 1;
    const r = decodePacket(s.value, key, backend);
    expect(!r.ok && r.error.code).toBe('tapir.mac');
  });
});

describe('FrameDecoder', () => {
  it('yields exactly-8192-byte packets from arbitrary splits', () => {
    const data = new Uint8Array(PACKET_SIZE * 3 + 5).map((_, i) => (i * 7) & 255);
    const d = new FrameDecoder();
    const out: Uint8Array[] = [...d.push(new Uint8Array(0))];
    let off = 0;
    for (const n of [1, 8190, 2, 8193, 5000, 100000]) {
      out.push(...d.push(data.subarray(off, Math.min(off + n, data.length))));
      off = Math.min(off + n, data.length);
    }
    expect(out.map((p) => p.length)).toEqual([PACKET_SIZE, PACKET_SIZE, PACKET_SIZE]);
    expect(toHex(out[2]!)).toBe(toHex(data.subarray(2 * PACKET_SIZE, 3 * PACKET_SIZE)));
    expect(d.pending).toBe(5);
  });
});

describe('property: any chunks of any bytes', () => {
  const key = new Uint8Array(32).fill(3);
  fcTest.prop([fc.array(fc.uint8Array({ maxLength: 20000 }), { maxLength: 8 }), fc.boolean()], { numRuns: 60 })(
    'yield frames or a close, never a throw',
    (chunks, keyed) => {
      const d = new FrameDecoder();
      let total = 0;
      let frames = 0;
      for (const c of chunks) {
        total += c.length;
        for (const p of d.push(c)) {
          frames++;
          expect(p.length).toBe(PACKET_SIZE);
          const r = decodePacket(p, keyed ? key : null, backend);
          if (r.ok) expect(r.value.length).toBeLessThanOrEqual(MAX_PLAINTEXT_PAYLOAD);
          else expect(['tapir.length', 'tapir.mac']).toContain(r.error.code);
        }
      }
      expect(frames).toBe(Math.floor(total / PACKET_SIZE));
      expect(d.pending).toBe(total % PACKET_SIZE);
    },
  );
});
