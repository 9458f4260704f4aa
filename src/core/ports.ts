// What src/core needs from the outside world, injected so core stays pure and testable.

/**
 * Work deferred to the end of the current job: a microtask, so it runs before any timer or I/O callback, in the
 * order it was deferred. Core defers only through this (never the global queueMicrotask). src/app passes the real
 * microtask queue, and so do tests: it is never faked, since the order of writes and deliveries depends on it.
 */
export interface Scheduler {
  defer(fn: () => void): void;
}

/**
 * Wall clock and timers, and (as a Scheduler) microtask deferral. Tests use a fake clock behind this interface;
 * src/app passes the real one.
 */
export interface Clock extends Scheduler {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly __timer: unique symbol;
}

/** Cryptographically secure randomness. */
export interface Random {
  bytes(n: number): Uint8Array;
}
