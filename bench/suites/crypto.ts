// Crypto speed per backend (noble, libsodium-wrappers, sodium-native, node:crypto where it has the op), PBKDF2, a
// Merlin commit, and the two secretbox ceiling entries other suites compare against.

import { diffieHellman, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { nodePbkdf2 } from '../../src/app/platform/node-platform.js';
import type { Pbkdf2 } from '../../src/core/crypto/backend.js';
import { noblePbkdf2 } from '../../src/core/crypto/pbkdf2-noble.js';
import { Transcript } from '../../src/core/crypto/transcript.js';
import { allBackends, measureSecretbox } from '../ceiling.js';
import { opsPerSecondSync, type BenchResult, type BenchSuite } from '../harness.js';

const suite: BenchSuite = async ({ quick }) => {
  const ms = quick ? 150 : 1000;
  const out: BenchResult[] = [];
  const ops = (name: string, value: number, extra: Partial<BenchResult> = {}) => out.push({ name, value, unit: 'ops/s', ...extra });

  const seed = new Uint8Array(32).fill(5);
  const msg = new Uint8Array(136).fill(6);
  const backends = await allBackends();
  for (const b of backends) {
    const pub = b.ed25519PublicKey(seed);
    const sig = b.ed25519Sign(msg, seed);
    const xPriv = b.edSeedToX25519(seed);
    const xPub = b.edPublicToX25519(pub)!;
    ops(`ed25519 sign (${b.name})`, opsPerSecondSync(() => b.ed25519Sign(msg, seed), ms));
    ops(`ed25519 verify (${b.name})`, opsPerSecondSync(() => b.ed25519Verify(sig, msg, pub), ms));
    ops(`x25519 (${b.name})`, opsPerSecondSync(() => b.x25519(xPriv, xPub), ms));
  }

  // node:crypto has ed25519 and x25519 but no XSalsa20-Poly1305.
  const ed = generateKeyPairSync('ed25519');
  const nodeSig = nodeSign(null, msg, ed.privateKey);
  ops('ed25519 sign (node:crypto)', opsPerSecondSync(() => nodeSign(null, msg, ed.privateKey), ms));
  ops('ed25519 verify (node:crypto)', opsPerSecondSync(() => nodeVerify(null, msg, ed.publicKey, nodeSig), ms));
  const xa = generateKeyPairSync('x25519');
  const xb = generateKeyPairSync('x25519');
  ops('x25519 (node:crypto)', opsPerSecondSync(() => diffieHellman({ privateKey: xa.privateKey, publicKey: xb.publicKey }), ms));

  const box: Record<string, { sealOpen: number; open: number }> = {};
  for (const b of backends) box[b.name] = measureSecretbox(b, ms);
  const sealOpenCeiling = Math.max(...Object.values(box).map((r) => r.sealOpen));
  const openCeiling = Math.max(...Object.values(box).map((r) => r.open));
  for (const [name, r] of Object.entries(box)) {
    ops(`secretbox seal+open 8 KiB (${name})`, r.sealOpen, { ratio: r.sealOpen / sealOpenCeiling, note: 'vs fastest backend' });
    ops(`secretbox open 8 KiB (${name})`, r.open, { ratio: r.open / openCeiling, note: 'vs fastest backend' });
  }
  ops('secretbox seal+open 8 KiB (fastest)', sealOpenCeiling, { note: 'ceiling for transport suites' });
  ops('secretbox open 8 KiB (fastest)', openCeiling, { note: 'ceiling for transport suites' });

  const salt = new Uint8Array(128).fill(7);
  const pw = new TextEncoder().encode('be gay do crime');
  const kdf = (p: Pbkdf2) => () => p('sha3-512', pw, salt, 4096, 32);
  ops('PBKDF2-SHA3-512 4096 iterations (node:crypto)', opsPerSecondSync(kdf(nodePbkdf2), ms));
  ops('PBKDF2-SHA3-512 4096 iterations (noble)', opsPerSecondSync(kdf(noblePbkdf2), ms));

  ops(
    'Merlin transcript commit (new + 2 appends + 64-byte commit)',
    opsPerSecondSync(() => {
      const t = new Transcript('tapir-transcript');
      t.newProtocol('auth-app');
      t.addToTranscript('outbound-challenge', msg);
      return t.commitToTranscript('3dh-auth-challenge');
    }, ms),
  );
  return out;
};

export default suite;
