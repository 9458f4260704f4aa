import { fc, test } from '@fast-check/vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../../../src/core/bytes.js';
import type { CryptoBackend } from '../../../src/core/crypto/backend.js';
import { libsodiumBackend } from '../../../src/core/crypto/backend-libsodium.js';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { hex, loadVector } from '../../vectors/load.js';

const backends: CryptoBackend[] = [nobleBackend, await libsodiumBackend(), sodiumNativeBackend];

interface Key {
  ed25519_seed_hex: string;
  ed25519_public_hex: string;
  x25519_private_hex: string;
  x25519_public_hex: string;
}
const auth = loadVector<{
  keys: Record<'outbound_long_term' | 'outbound_ephemeral' | 'inbound_long_term' | 'inbound_ephemeral', Key>;
  dh: Record<string, string>;
}>('auth_3dh');
const kb = loadVector<{ server_key: { seed_hex: string }; signed_bytes_utf8: string; signature_hex: string }>('keybundle');
const packet = loadVector<{
  plaintext_packet: { message_utf8: string; first_32_bytes_hex: string };
  encrypted_packet: { key_hex: string; nonce_hex: string; wire_8192_hex: string };
}>('packet');
const gm = loadVector<{
  group: { group_key_hex: string; group_id: string; server_onion: string };
  sender: { seed_hex: string };
  decrypted_group_message_json: string;
  encryption: { nonce_hex: string; ciphertext_b64: string };
  signature: { signed_bytes_sha256: string; signature_hex: string };
  legacy_signature: { signature_hex: string };
}>('group_message');

// Low-order Curve25519 u-coordinates (0, 1, and a point of order 8) and small-order ed25519 encodings.
const LOW_ORDER_U = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
];
const SMALL_ORDER_ED = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
];

const plaintextPacket = (): Uint8Array => {
  const p = new Uint8Array(8192);
  p.set(hex(packet.plaintext_packet.first_32_bytes_hex), 0);
  return p;
};

for (const b of backends) {
  describe(`CryptoBackend ${b.name} against the vectors`, () => {
    it('derives ed25519 public keys and the ed→x25519 conversions of auth_3dh.json', () => {
      for (const k of Object.values(auth.keys)) {
        const seed = hex(k.ed25519_seed_hex);
        expect(toHex(b.ed25519PublicKey(seed))).toBe(k.ed25519_public_hex);
        expect(toHex(b.edSeedToX25519(seed))).toBe(k.x25519_private_hex);
        expect(toHex(b.edPublicToX25519(hex(k.ed25519_public_hex))!)).toBe(k.x25519_public_hex);
      }
    });

    it('computes DH1..DH3 of auth_3dh.json', () => {
      const { outbound_long_term: oL, outbound_ephemeral: oE, inbound_long_term: iL, inbound_ephemeral: iE } = auth.keys;
      const dh = (a: Key, c: Key): string => toHex(b.x25519(hex(a.x25519_private_hex), hex(c.x25519_public_hex))!);
      expect(dh(oL, iE)).toBe(auth.dh.dh1_outboundLT_x_inboundE_hex);
      expect(dh(iE, oL)).toBe(auth.dh.dh1_outboundLT_x_inboundE_hex);
      expect(dh(iL, oE)).toBe(auth.dh.dh2_inboundLT_x_outboundE_hex);
      expect(dh(oE, iE)).toBe(auth.dh.dh3_outboundE_x_inboundE_hex);
    });

    it('signs the key bundle and the v3 group message signature input byte for byte', () => {
      const sig = b.ed25519Sign(utf8(kb.signed_bytes_utf8), hex(kb.server_key.seed_hex));
      expect(toHex(sig)).toBe(kb.signature_hex);
      const serverPub = b.ed25519PublicKey(hex(kb.server_key.seed_hex));
      expect(b.ed25519Verify(sig, utf8(kb.signed_bytes_utf8), serverPub)).toBe(true);

      const signed = utf8(gm.group.group_id + gm.group.server_onion + toBase64(utf8(gm.decrypted_group_message_json)));
      expect(toHex(sha256(signed))).toBe(gm.signature.signed_bytes_sha256);
      expect(toHex(b.ed25519Sign(signed, hex(gm.sender.seed_hex)))).toBe(gm.signature.signature_hex);
      const ct = fromBase64(gm.encryption.ciphertext_b64)!;
      const legacy = concatBytes(utf8(gm.group.group_id + gm.group.server_onion), ct);
      expect(toHex(b.ed25519Sign(legacy, hex(gm.sender.seed_hex)))).toBe(gm.legacy_signature.signature_hex);
    });

    it('seals and opens the encrypted packet of packet.json and the group ciphertext of group_message.json', () => {
      const e = packet.encrypted_packet;
      const box = b.secretboxSeal(plaintextPacket().subarray(0, 8152), hex(e.nonce_hex), hex(e.key_hex));
      expect(toHex(concatBytes(hex(e.nonce_hex), box))).toBe(e.wire_8192_hex);
      expect(toHex(b.secretboxOpen(box, hex(e.nonce_hex), hex(e.key_hex))!)).toBe(toHex(plaintextPacket().subarray(0, 8152)));

      const ct = fromBase64(gm.encryption.ciphertext_b64)!;
      const key = hex(gm.group.group_key_hex);
      const opened = b.secretboxOpen(ct.subarray(24), ct.subarray(0, 24), key);
      expect(opened && new TextDecoder().decode(opened)).toBe(gm.decrypted_group_message_json);
      expect(toBase64(concatBytes(ct.subarray(0, 24), b.secretboxSeal(opened!, ct.subarray(0, 24), key)))).toBe(gm.encryption.ciphertext_b64);
    });

    it('returns null for X25519 with a low-order point', () => {
      const priv = hex(auth.keys.outbound_long_term.x25519_private_hex);
      for (const u of LOW_ORDER_U) expect(b.x25519(priv, hex(u))).toBeNull();
    });

    it('returns null converting a small-order ed25519 key, and for wrong lengths', () => {
      for (const p of SMALL_ORDER_ED) expect(b.edPublicToX25519(hex(p))).toBeNull();
      expect(b.edPublicToX25519(new Uint8Array(31))).toBeNull();
      expect(b.x25519(new Uint8Array(32).fill(1), new Uint8Array(33))).toBeNull();
    });

    it('refuses a tampered secretbox', () => {
      const key = new Uint8Array(32).fill(7);
      const nonce = new Uint8Array(24).fill(9);
      const box = b.secretboxSeal(utf8('attack at dawn'), nonce, key);
      for (let i = 0; i < box.length; i++) {
        const t = Uint8Array.from(box);
        t[i]! ^= 1;
        expect(b.secretboxOpen(t, nonce, key)).toBeNull();
      }
      expect(b.secretboxOpen(box.subarray(0, 15), nonce, key)).toBeNull();
      expect(b.secretboxOpen(box, nonce.subarray(1), key)).toBeNull();
      expect(b.secretboxOpen(box, nonce, new Uint8Array(32))).toBeNull();
    });

    it('ed25519Verify of garbage is false without throwing', () => {
      const pub = hex(auth.keys.outbound_long_term.ed25519_public_hex);
      expect(b.ed25519Verify(new Uint8Array(64), utf8('m'), pub)).toBe(false);
      expect(b.ed25519Verify(new Uint8Array(63), utf8('m'), pub)).toBe(false);
      expect(b.ed25519Verify(new Uint8Array(64).fill(0xff), utf8('m'), new Uint8Array(32).fill(0xff))).toBe(false);
      for (const p of SMALL_ORDER_ED) expect(b.ed25519Verify(new Uint8Array(64), utf8('m'), hex(p))).toBe(false);
      const good = b.ed25519Sign(utf8('m'), hex(auth.keys.outbound_long_term.ed25519_seed_hex));
      expect(b.ed25519Verify(good, utf8('n'), pub)).toBe(false);
      expect(b.ed25519Verify(good, utf8('m'), new Uint8Array(31))).toBe(false);
      // The malleated form S + ℓ verifies under a lax verifier; libsodium (and so every backend) refuses it.
      let s = 0n;
      for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(good[i]!);
      s += 2n ** 252n + 27742317777372353535851937790883648493n;
      const mall = Uint8Array.from(good);
      for (let i = 32; i < 64; i++, s >>= 8n) mall[i] = Number(s & 0xffn);
      expect(b.ed25519Verify(mall, utf8('m'), pub)).toBe(false);
    });

    it('throws RangeError for a wrong-length seed or key (a caller bug, not wire input)', () => {
      expect(() => b.ed25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
      expect(() => b.secretboxSeal(new Uint8Array(1), new Uint8Array(24), new Uint8Array(31))).toThrow(RangeError);
    });
  });
}

describe('the three backends agree on random input', () => {
  const [noble, ...others] = backends as [CryptoBackend, ...CryptoBackend[]];
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

  test.prop([bytes(32), fc.uint8Array({ maxLength: 200 })], { numRuns: 40 })('sign / public key / conversions', (seed, msg) => {
    const pub = toHex(noble.ed25519PublicKey(seed));
    const sig = toHex(noble.ed25519Sign(msg, seed));
    const xs = toHex(noble.edSeedToX25519(seed));
    for (const o of others) {
      expect(toHex(o.ed25519PublicKey(seed))).toBe(pub);
      expect(toHex(o.ed25519Sign(msg, seed))).toBe(sig);
      expect(toHex(o.edSeedToX25519(seed))).toBe(xs);
      expect(toHex(o.edPublicToX25519(hex(pub))!)).toBe(toHex(noble.edPublicToX25519(hex(pub))!));
    }
  });

  test.prop([bytes(64), fc.uint8Array({ maxLength: 64 }), bytes(32)], { numRuns: 100 })('verify of random signatures and keys', (sig, msg, pub) => {
    const want = noble.ed25519Verify(sig, msg, pub);
    for (const o of others) expect(o.ed25519Verify(sig, msg, pub)).toBe(want);
  });

  test.prop([bytes(32)], { numRuns: 100 })('edPublicToX25519 of random 32 bytes', (pub) => {
    const want = noble.edPublicToX25519(pub);
    for (const o of others) {
      const got = o.edPublicToX25519(pub);
      expect(got === null ? null : toHex(got)).toBe(want === null ? null : toHex(want));
    }
  });

  test.prop([bytes(32), bytes(32)], { numRuns: 40 })('x25519 of random scalars and u-coordinates', (priv, pub) => {
    const want = noble.x25519(priv, pub);
    for (const o of others) {
      const got = o.x25519(priv, pub);
      expect(got === null ? null : toHex(got)).toBe(want === null ? null : toHex(want));
    }
  });

  test.prop([fc.uint8Array({ maxLength: 300 }), bytes(24), bytes(32), fc.nat()], { numRuns: 60 })('secretbox seal, open, and open of a flipped bit', (msg, nonce, key, at) => {
    const box = noble.secretboxSeal(msg, nonce, key);
    const flipped = Uint8Array.from(box);
    flipped[at % box.length]! ^= 0x80;
    for (const o of others) {
      expect(toHex(o.secretboxSeal(msg, nonce, key))).toBe(toHex(box));
      expect(toHex(o.secretboxOpen(box, nonce, key)!)).toBe(toHex(msg));
      expect(o.secretboxOpen(flipped, nonce, key)).toBeNull();
    }
    expect(noble.secretboxOpen(flipped, nonce, key)).toBeNull();
  });
});
