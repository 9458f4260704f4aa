import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes.js';
import { decodeOnion, isOnionAddress, onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { hex, loadVector } from '../../vectors/load.js';

const v = loadVector<{
  vectors: { ed25519_public_hex: string; checksum_hex: string; onion: string; decoded_35_bytes_hex: string }[];
  tor_spec_examples_checksum_valid: { onion: string; public_key_hex: string }[];
}>('onion');

describe('onion addresses (onion.json)', () => {
  it('encodes the RFC 8032 keys and decodes them back', () => {
    for (const x of v.vectors) {
      expect(onionFromPublicKey(hex(x.ed25519_public_hex))).toBe(x.onion);
      expect(x.decoded_35_bytes_hex).toBe(x.ed25519_public_hex + x.checksum_hex + '03');
      const d = decodeOnion(x.onion);
      expect(d.ok && toHex(d.value.publicKey)).toBe(x.ed25519_public_hex);
    }
  });

  it('accepts the Tor specification examples, also upper case with .onion and whitespace', () => {
    for (const x of v.tor_spec_examples_checksum_valid) {
      for (const form of [x.onion, `  ${x.onion.toUpperCase()}.onion\n`]) {
        const d = decodeOnion(form);
        expect(d.ok && toHex(d.value.publicKey)).toBe(x.public_key_hex);
        expect(d.ok && d.value.onion).toBe(x.onion);
      }
      expect(onionFromPublicKey(hex(x.public_key_hex))).toBe(x.onion);
      expect(isOnionAddress(x.onion)).toBe(true);
    }
  });

  it('refuses every one-character corruption of a valid address', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const good = v.vectors[0]!.onion;
    for (let i = 0; i < good.length; i++) {
      for (const c of alphabet) {
        if (c === good[i]) continue;
        const bad = good.slice(0, i) + c + good.slice(i + 1);
        const d = decodeOnion(bad);
        expect(d.ok, bad).toBe(false);
        if (!d.ok) expect(['onion.checksum', 'onion.version']).toContain(d.error.code);
      }
    }
  });

  it('names what is wrong with a code', () => {
    const good = v.vectors[0]!.onion;
    const code = (s: string) => {
      const d = decodeOnion(s);
      return d.ok ? 'ok' : d.error.code;
    };
    expect(code(good.slice(1))).toBe('onion.length');
    expect(code(good.slice(1) + '1')).toBe('onion.alphabet');
    expect(code(42 as unknown as string)).toBe('onion.type');
  });
});

describe('onion properties', () => {
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 })])('encode/decode round trip for random keys', (pub) => {
    const o = onionFromPublicKey(pub);
    expect(o).toMatch(/^[a-z2-7]{56}$/);
    const d = decodeOnion(o);
    expect(d.ok && toHex(d.value.publicKey)).toBe(toHex(pub));
  });

  test.prop([fc.string({ maxLength: 80 })])('decodeOnion never throws on arbitrary strings', (s) => {
    const d = decodeOnion(s);
    expect(typeof d.ok).toBe('boolean');
  });

  test.prop([fc.stringMatching(/^[a-z2-7]{56}$/)])('random 56-char base32 strings are decoded without throwing', (s) => {
    const d = decodeOnion(s);
    if (d.ok) expect(onionFromPublicKey(d.value.publicKey)).toBe(s);
  });
});
