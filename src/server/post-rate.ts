// The token board's per-connection post rate (docs/protocol.md §12.2): a client over it is answered
// Success:false with RetryAfterMs, the token kept.

import { BOARD_RATE_LIMIT_MIN_PAUSE_MS } from '../core/limits.js';

/**
 * One connection's post rate: `limit` posts per sliding `windowMs`. Once over, every post is refused until a
 * slot frees (and at least BOARD_RATE_LIMIT_MIN_PAUSE_MS, or the window if shorter), so the posts a client had
 * already sent behind the first refused one are refused too and arrive again in the order they were sent: their
 * hash chain stays in order on the server and members see no false gap (docs/protocol.md §12.2).
 */
export class PostRate {
  private readonly times: number[] = [];
  private head = 0;
  private until = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** 0: admitted (counted); otherwise ms to wait, the post not counted. */
  admit(now: number): number {
    if (now < this.until) return this.until - now;
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    if (this.times.length - this.head < this.limit) {
      this.times.push(now);
      return 0;
    }
    this.until = Math.max(this.times[this.head]! + this.windowMs, now + Math.min(BOARD_RATE_LIMIT_MIN_PAUSE_MS, this.windowMs));
    return this.until - now;
  }
}
