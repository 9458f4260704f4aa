// Dialling a profile's approved contacts, and dialling again when it fails or the connection drops: exponential
// back-off with jitter, reset when a session opens (ProfileRuntime.opened), dropped when the contact is blocked.

import type { OnionAddress } from '../../core/crypto/onion.js';
import { PEER_RETRY_JITTER, PEER_RETRY_MAX_MS, PEER_RETRY_MIN_MS } from '../../core/limits.js';
import type { TimerHandle } from '../../core/ports.js';
import type { Connection } from '../../core/tapir/connection.js';
import type { Result } from '../../core/result.js';
import type { RuntimeDeps } from './deps.js';

interface RetryState {
  failures: number;
  timer: TimerHandle | null;
  dialing: boolean;
}

/** What the redial asks of the profile runtime. */
export interface RedialHost {
  /** Closing, or the profile locked: no dial, no retry. */
  offline(): boolean;
  isApproved(onion: OnionAddress): boolean;
  hasSession(onion: OnionAddress): boolean;
  connect(onion: OnionAddress): Promise<Result<Connection>>;
}

export class PeerRedial {
  private readonly retry = new Map<OnionAddress, RetryState>();
  private closing = false;

  constructor(
    private readonly deps: RuntimeDeps,
    private readonly host: RedialHost,
  ) {}

  /** The runtime stops: every timer goes and nothing is dialled again. */
  stop(): void {
    this.closing = true;
    for (const r of this.retry.values()) if (r.timer !== null) this.deps.clock.clearTimeout(r.timer);
    this.retry.clear();
  }

  /** A blocked contact: its timer and its count go. */
  forget(onion: OnionAddress): void {
    const r = this.retry.get(onion);
    if (r?.timer) this.deps.clock.clearTimeout(r.timer);
    this.retry.delete(onion);
  }

  /** A session opened: the back-off starts again from its minimum. */
  reset(onion: OnionAddress): void {
    const r = this.retryState(onion);
    r.failures = 0;
    if (r.timer !== null) this.deps.clock.clearTimeout(r.timer);
    r.timer = null;
  }

  private retryState(onion: OnionAddress): RetryState {
    let r = this.retry.get(onion);
    if (r === undefined) {
      r = { failures: 0, timer: null, dialing: false };
      this.retry.set(onion, r);
    }
    return r;
  }

  async dial(onion: OnionAddress): Promise<void> {
    if (this.closing || this.host.hasSession(onion)) return;
    if (!this.host.isApproved(onion)) return;
    const r = this.retryState(onion);
    if (r.dialing) return;
    r.dialing = true;
    const c = await this.host.connect(onion);
    if (!c.ok) {
      r.dialing = false;
      if (c.error.code !== 'tapir.already-connected') this.scheduleRetry(onion);
      return;
    }
    c.value.onClose(() => {
      r.dialing = false;
      if (!this.host.hasSession(onion)) this.scheduleRetry(onion);
    });
  }

  /** Exponential back-off with jitter: min·2^failures, capped, ±PEER_RETRY_JITTER; reset when a session opens. */
  scheduleRetry(onion: OnionAddress): void {
    if (this.closing || this.host.offline()) return;
    if (!this.host.isApproved(onion)) return;
    const r = this.retryState(onion);
    if (r.timer !== null) return;
    const base = Math.min(this.deps.retryMaxMs ?? PEER_RETRY_MAX_MS, (this.deps.retryMinMs ?? PEER_RETRY_MIN_MS) * 2 ** Math.min(r.failures, 30));
    const b = this.deps.random.bytes(2);
    const unit = ((b[0]! << 8) | b[1]!) / 0xffff;
    const delay = Math.round(base * (1 + PEER_RETRY_JITTER * (2 * unit - 1)));
    r.failures++;
    r.timer = this.deps.clock.setTimeout(() => {
      r.timer = null;
      void this.dial(onion);
    }, delay);
  }
}
