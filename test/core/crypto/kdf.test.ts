import { describe, expect, it } from 'vitest';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { toHex } from '../../../src/core/bytes.js';
import { DEFAULT_PASSWORD, deriveGroupId, deriveProfileKey } from '../../../src/core/crypto/kdf.js';
import { decodeOnion } from '../../../src/core/crypto/onion.js';
import { noblePbkdf2 } from '../../../src/core/crypto/pbkdf2-noble.js';
import { hex, loadVector } from '../../vectors/load.js';

const v = loadVector<{
  profile_key: { password: string; salt_hex: string; iterations: number; dklen: number; key_hex: string };
  group_id: { group_key_hex: string; server_onion: string; server_pubkey_hex: string; group_id_hex: string };
}>('kdf');

for (const [name, pbkdf2] of [['node:crypto', nodePbkdf2], ['noble', noblePbkdf2]] as const) {
  describe(`kdf.json with ${name} PBKDF2`, () => {
    it('derives the profile key from the default password', () => {
      expect(v.profile_key.password).toBe(DEFAULT_PASSWORD);
      expect(toHex(deriveProfileKey(pbkdf2, DEFAULT_PASSWORD, hex(v.profile_key.salt_hex)))).toBe(v.profile_key.key_hex);
    });

    it('derives the group id from the group key and the server key decoded from its onion', () => {
      const d = decodeOnion(v.group_id.server_onion);
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      expect(toHex(d.value.publicKey)).toBe(v.group_id.server_pubkey_hex);
      expect(deriveGroupId(pbkdf2, hex(v.group_id.group_key_hex), d.value.publicKey)).toBe(v.group_id.group_id_hex);
    });
  });
}

describe('PBKDF2 implementations agree', () => {
  it('on other lengths, salts and both hashes', () => {
    const pw = new Uint8Array([1, 2, 3]);
    for (const hash of ['sha3-512', 'sha512'] as const) {
      for (const dk of [1, 32, 64, 100]) {
        expect(toHex(noblePbkdf2(hash, pw, new Uint8Array(0), 3, dk))).toBe(toHex(nodePbkdf2(hash, pw, new Uint8Array(0), 3, dk)));
      }
    }
  });
});
