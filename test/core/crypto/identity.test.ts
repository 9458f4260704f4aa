import { sha3_256 } from '@noble/hashes/sha3.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '../../../src/core/bytes.js';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { libsodiumBackend } from '../../../src/core/crypto/backend-libsodium.js';
import { edh, expandedSecretKey, goPrivateKey, identityFromSeed, newIdentity, sign, verify } from '../../../src/core/crypto/identity.js';
import { decodeOnion } from '../../../src/core/crypto/onion.js';
import type { Random } from '../../../src/core/ports.js';
import { hex, loadVector } from '../../vectors/load.js';

interface Key {
  ed25519_seed_hex: string;
  ed25519_public_hex: string;
  onion?: string;
  x25519_private_hex: string;
}
const auth = loadVector<{
  keys: Record<'outbound_long_term' | 'outbound_ephemeral' | 'inbound_long_term' | 'inbound_ephemeral', Key>;
  dh: { concatenated_96_hex: string };
  session_key_sha3_256_hex: string;
}>('auth_3dh');
const onion = loadVector<{ vectors: { rfc8032_seed_hex: string; ed25519_public_hex: string; onion: string }[] }>('onion');

for (const backend of [nobleBackend, await libsodiumBackend()]) {
  describe(`identity with ${backend.name}`, () => {
    it('identityFromSeed gives the public keys and onions of onion.json', () => {
      for (const v of onion.vectors) {
        const id = identityFromSeed(backend, hex(v.rfc8032_seed_hex));
        expect(toHex(id.publicKey)).toBe(v.ed25519_public_hex);
        expect(id.onion).toBe(v.onion);
        expect(toHex(goPrivateKey(id))).toBe(v.rfc8032_seed_hex + v.ed25519_public_hex);
      }
    });

    it('edh reproduces the 3DH of auth_3dh.json from both sides', () => {
      const k = auth.keys;
      const seed = (x: Key) => hex(x.ed25519_seed_hex);
      const pub = (x: Key) => hex(x.ed25519_public_hex);
      const outbound = concatBytes(
        edh(backend, seed(k.outbound_long_term), pub(k.inbound_ephemeral))!,
        edh(backend, seed(k.outbound_ephemeral), pub(k.inbound_long_term))!,
        edh(backend, seed(k.outbound_ephemeral), pub(k.inbound_ephemeral))!,
      );
      const inbound = concatBytes(
        edh(backend, seed(k.inbound_ephemeral), pub(k.outbound_long_term))!,
        edh(backend, seed(k.inbound_long_term), pub(k.outbound_ephemeral))!,
        edh(backend, seed(k.inbound_ephemeral), pub(k.outbound_ephemeral))!,
      );
      expect(toHex(outbound)).toBe(auth.dh.concatenated_96_hex);
      expect(toHex(inbound)).toBe(auth.dh.concatenated_96_hex);
      expect(toHex(sha3_256(outbound))).toBe(auth.session_key_sha3_256_hex);
    });

    it('edh refuses a small-order or malformed public key', () => {
      const s = hex(auth.keys.outbound_long_term.ed25519_seed_hex);
      expect(edh(backend, s, hex('0100000000000000000000000000000000000000000000000000000000000000'))).toBeNull();
      expect(edh(backend, s, hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBeNull();
      expect(edh(backend, s, new Uint8Array(5))).toBeNull();
    });

    it('sign/verify round trip; verify refuses another key', () => {
      const a = identityFromSeed(backend, hex(auth.keys.outbound_long_term.ed25519_seed_hex));
      const b = identityFromSeed(backend, hex(auth.keys.inbound_long_term.ed25519_seed_hex));
      const sig = sign(backend, a, utf8('hi'));
      expect(verify(backend, a.publicKey, utf8('hi'), sig)).toBe(true);
      expect(verify(backend, b.publicKey, utf8('hi'), sig)).toBe(false);
    });
  });
}

describe('expandedSecretKey', () => {
  it('is SHA-512(seed) clamped; its first half is the X25519 private key of auth_3dh.json', () => {
    for (const k of Object.values(auth.keys)) {
      const e = expandedSecretKey(hex(k.ed25519_seed_hex));
      expect(e).toHaveLength(64);
      expect(toHex(e.subarray(0, 32))).toBe(k.x25519_private_hex);
      expect(toHex(e.subarray(32))).toBe(toHex(sha512(hex(k.ed25519_seed_hex)).subarray(32)));
      expect(e[0]! & 7).toBe(0);
      expect(e[31]! & 0xc0).toBe(0x40);
    }
  });
});

describe('newIdentity', () => {
  it('draws its seed from the injected Random and yields a valid onion', () => {
    const fixed: Random = { bytes: (n) => new Uint8Array(n).fill(0x2a) };
    const id = newIdentity(nobleBackend, fixed);
    expect(toHex(id.seed)).toBe('2a'.repeat(32));
    const d = decodeOnion(id.onion);
    expect(d.ok && toHex(d.value.publicKey)).toBe(toHex(id.publicKey));
  });
});
