// Test doubles behind the real Clock/Random interfaces (never the microtask queue: that is the real one), plus small
// builders for tapir tests.

import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import type { CryptoBackend } from '../../../src/core/crypto/backend.js';
import { identityFromSeed, type Identity } from '../../../src/core/crypto/identity.js';
import type { Stream } from '../../../src/core/net/acn.js';
import type { Clock, Random, Scheduler, TimerHandle } from '../../../src/core/ports.js';
import { microtaskScheduler, nodeRandom } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';

export const backend: CryptoBackend = sodiumNativeBackend;
export { nobleBackend };

/** A clock that only moves when the test says so. Its deferrals are real microtasks: they are not time. */
export class FakeClock implements Clock {
  readonly defer = microtaskScheduler.defer;
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(h: TimerHandle): void {
    this.timers.delete(h as unknown as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    this.t += ms;
    for (const [id, tm] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (tm.at > this.t) continue;
      this.timers.delete(id);
      tm.fn();
    }
  }
}

/** Returns the queued byte strings first (each must match the requested length), then real randomness. */
export function scriptedRandom(...queue: Uint8Array[]): Random {
  return {
    bytes(n: number): Uint8Array {
      const next = queue.shift();
      if (next === undefined) return nodeRandom.bytes(n);
      if (next.length !== n) throw new Error(`scripted random: wanted ${n} bytes, queued ${next.length}`);
      return Uint8Array.from(next);
    },
  };
}

export const random = nodeRandom;
/** The real microtask queue (what src/app passes), for connections and in-memory networks. */
export const scheduler: Scheduler = microtaskScheduler;

export function makeIdentity(): Identity {
  return identityFromSeed(backend, nodeRandom.bytes(32));
}

/** Wrap a stream so every write is also recorded (to compare wire bytes against vectors). */
export function recording(s: Stream): { stream: Stream; written: Uint8Array[] } {
  const written: Uint8Array[] = [];
  return {
    written,
    stream: {
      write: (b) => {
        written.push(Uint8Array.from(b));
        return s.write(b);
      },
      onData: (cb) => s.onData(cb),
      onClose: (cb) => s.onClose(cb),
      close: () => s.close(),
      get closed() {
        return s.closed;
      },
    },
  };
}

/** Let queued microtasks and immediate callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

import type { Acn } from '../../../src/core/net/acn.js';
import { TapirService } from '../../../src/core/tapir/service.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';

/** A long-term service on `acn` with a fresh identity, listening with the auth app. */
export async function authService(acn: Acn, clock: Clock, opts: { listen?: boolean; identity?: Identity } = {}): Promise<{ svc: TapirService; app: AuthApp }> {
  const identity = opts.identity ?? makeIdentity();
  const svc = new TapirService({ acn, identity, backend, random, clock });
  const app = new AuthApp({ identity, backend, random });
  if (opts.listen !== false) await svc.listen(app);
  return { svc, app };
}
