// What src/core needs from the outside world, injected so core stays pure and testable.

/** Wall clock and timers. Tests use a fake clock behind this interface; src/app passes the real one. */
export interface Clock {
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
