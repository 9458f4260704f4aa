// The secretbox ceiling: how fast the fastest backend seals+opens / opens one 8 KiB packet on this machine, measured
// in the same run. Transport and storage suites divide their throughput by it (BenchResult.ratio).

import { sodiumNativeBackend } from '../src/app/platform/sodium-native-backend.js';
import type { CryptoBackend } from '../src/core/crypto/backend.js';
import { libsodiumBackend } from '../src/core/crypto/backend-libsodium.js';
import { nobleBackend } from '../src/core/crypto/backend-noble.js';
import { opsPerSecondSync } from './harness.js';

export const PACKET_BYTES = 8192;

export async function allBackends(): Promise<CryptoBackend[]> {
  return [nobleBackend, await libsodiumBackend(), sodiumNativeBackend];
}

/** ops/s of seal-then-open and of open alone for one 8 KiB message with `backend`. */
export function measureSecretbox(backend: CryptoBackend, ms: number): { sealOpen: number; open: number } {
  const key = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(24).fill(2);
  const msg = new Uint8Array(PACKET_BYTES).fill(3);
  const box = backend.secretboxSeal(msg, nonce, key);
  const sealOpen = opsPerSecondSync(() => {
    if (backend.secretboxOpen(backend.secretboxSeal(msg, nonce, key), nonce, key) === null) throw new Error('secretbox failed');
  }, ms);
  const open = opsPerSecondSync(() => {
    if (backend.secretboxOpen(box, nonce, key) === null) throw new Error('secretbox failed');
  }, ms);
  return { sealOpen, open };
}

/** The best of all backends (normally sodium-native). */
export async function measureSecretboxCeiling(ms: number): Promise<{ sealOpen: number; open: number }> {
  let best = { sealOpen: 0, open: 0 };
  for (const b of await allBackends()) {
    const r = measureSecretbox(b, ms);
    best = { sealOpen: Math.max(best.sealOpen, r.sealOpen), open: Math.max(best.open, r.open) };
  }
  return best;
}
