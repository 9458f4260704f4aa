// Node implementations of the ports src/core asks for. Only src/app (and tests) construct these.

import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Pbkdf2 } from '../../core/crypto/backend.js';
import type { Clock, Random, Scheduler, TimerHandle } from '../../core/ports.js';

export const nodePbkdf2: Pbkdf2 = (hash, password, salt, iterations, dkLen) =>
  new Uint8Array(pbkdf2Sync(password, salt, iterations, dkLen, hash));

export const nodeRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

/** The microtask queue: what core's deferrals (Scheduler.defer) run on, here and in tests. */
export const microtaskScheduler: Scheduler = {
  defer: (fn) => queueMicrotask(fn),
};

export const systemClock: Clock = {
  now: () => Date.now(),
  defer: microtaskScheduler.defer,
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};
