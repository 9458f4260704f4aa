// Test doubles behind the real Clock and Random interfaces (src/app passes systemClock and nodeRandom).

import { microtaskScheduler } from '../../../src/app/platform/node-platform.js';
import type { Clock, Random, TimerHandle } from '../../../src/core/ports.js';

/** A clock that always reads `ms`; group message code never sets timers. Deferrals are real microtasks. */
export function fixedClock(ms: number): Clock {
  return {
    now: () => ms,
    defer: microtaskScheduler.defer,
    setTimeout: () => {
      throw new Error('fixedClock has no timers');
    },
    clearTimeout: (_h: TimerHandle) => undefined,
  };
}

/** Deterministic bytes (xorshift32 from `seed`), so a test's nonces and padding repeat run to run. */
export function seqRandom(seed: number): Random {
  let x = seed >>> 0 || 1;
  return {
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        out[i] = x & 255;
      }
      return out;
    },
  };
}
