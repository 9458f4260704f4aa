// The sodium-native backend's shortcuts must give libsodium's own answers: edSeedToX25519 hashes the seed itself
// instead of deriving an ed25519 key pair first.
import { fc, test } from '@fast-check/vitest';
import { createRequire } from 'node:module';
import { describe, expect } from 'vitest';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_sign_ed25519_sk_to_curve25519(x: Uint8Array, sk: Uint8Array): void;
};

describe('sodium-native edSeedToX25519', () => {
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 })], { numRuns: 300 })('equals crypto_sign_ed25519_sk_to_curve25519 of the seed key pair', (seed) => {
    const pk = new Uint8Array(32);
    const sk = new Uint8Array(64);
    sodium.crypto_sign_seed_keypair(pk, sk, seed);
    const want = new Uint8Array(32);
    sodium.crypto_sign_ed25519_sk_to_curve25519(want, sk);
    expect(sodiumNativeBackend.edSeedToX25519(seed)).toEqual(want);
  });
});
