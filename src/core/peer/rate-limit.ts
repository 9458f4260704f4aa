// A token bucket on the injected Clock: a peer that sends faster than the bucket refills is slowed down
// (we stop reading, so tapir's flow control pushes back on the socket) instead of filling memory, disk or the UI.

import type { Clock } from '../ports.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Milliseconds until one token is available (0: take it now). Takes the token when it returns 0. */
  take(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }

  /** Resolves once a token has been taken. */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = this.take();
      if (wait === 0) return;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, wait));
    }
  }
}
