// The one consumer of a server's group-post queue on one synced connection (docs/protocol.md §12.5; the wire: §7.5, §12.2).
//
// Everything here is synchronous state changes driven by events (a post queued, a PostResult, a token purchase
// done, a back-off over), so no two callers can ever race for the same tokens or the same posts — the class of
// bug where concurrent flushes shared one purchase, lost the race for its tokens and gave up until a reconnect.
//
// - Posts go out in the order they were queued (their hash chain), up to GROUP_POSTS_IN_FLIGHT before answers.
// - Tokens: taken one per post; bought (one purchase at a time, ServerSync's) whenever fewer are in hand than posts
//   are waiting, so a burst does not stall on proof-of-work every tenth post.
// - A refusal for rate (RetryAfterMs) keeps the post's token (the server did not spend it) and pauses until the
//   server allows; any other refusal drops the token (it may be spent) and backs off. Either way every post not
//   accepted is sent again, in order, once the posts still in flight have answered.
// - An unanswered post (the connection closed) keeps its token: if the server stored it, its echo in the next
//   replay acks it and the token is never shown again; if not, the token was not spent either.

import type { PostWaiting } from '../../core/api/events.js';
import type { EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import type { PostOutcome } from '../../core/groups/token-board-client.js';
import { GROUP_POST_RETRY_AFTER_MAX_MS, GROUP_POST_RETRY_MAX_MS, GROUP_POST_RETRY_MIN_MS, GROUP_POSTS_IN_FLIGHT, GROUP_TOKENS_LOW_WATER } from '../../core/limits.js';
import type { Clock, TimerHandle } from '../../core/ports.js';
import type { Token } from '../../core/privacypass/token.js';
import type { Result } from '../../core/result.js';


export interface PostQueueStatus {
  /** Posts queued and not yet accepted by the server. */
  readonly queued: number;
  readonly waiting: PostWaiting | null;
  /** When posting resumes (ms since the epoch), for 'rate-limited', 'tokens' and 'refused'. */
  readonly retryAt?: number;
}

export interface PostPumpOptions {
  readonly clock: Clock;
  readonly post: (token: Token, egm: EncryptedGroupMessage) => Result<Promise<PostOutcome>>;
  readonly takeToken: () => Token | null;
  readonly unspentTokens: () => number;
  /** The one purchase in progress for this server, or a new one for about `wanted` posts; false when it failed. */
  readonly buyTokens: (wanted: number) => Promise<boolean>;
  /** Still queued in the profile (not acked, not deleted by leave-group). */
  readonly isPending: (key: string) => boolean;
  /** Tokens kept for a post across connections (see the top of this file), by post key. */
  readonly heldTokens: Map<string, Token>;
  readonly onStatus: (s: PostQueueStatus) => void;
  /** Nothing left to send (queue empty, every post answered); low-bandwidth syncs hang up then. */
  readonly onIdle?: () => void;
  /** A failure that a one-shot sync should not wait out (low-bandwidth: report and hang up). */
  readonly onStuck?: (why: PostWaiting) => void;
  readonly log: (line: string) => void;
  readonly window?: number;
}

interface Entry {
  readonly key: string;
  readonly egm: EncryptedGroupMessage;
  readonly seq: number;
}

export class PostPump {
  /** Not yet sent on this connection (or sent and refused), in queue order. */
  private queue = new Map<string, Entry>();
  private readonly inFlight: Entry[] = [];
  /** Accepted on this connection: never sent again on it (the echo acks it). */
  private readonly accepted = new Set<string>();
  private seq = 0;
  private stopped = false;
  private pausedUntil: number | null = null;
  private pauseTimer: TimerHandle | null = null;
  private pauseReason: PostWaiting | null = null;
  /** Set by a refusal: nothing new goes out until the posts in flight have answered. */
  private draining = false;
  private refusals = 0;
  private buyFailures = 0;
  private buying = false;
  private lastStatus: PostQueueStatus | null = null;

  constructor(private readonly o: PostPumpOptions) {}

  /** Queue posts (oldest first); already queued, in flight or accepted ones are ignored. */
  add(posts: readonly { readonly key: string; readonly egm: EncryptedGroupMessage }[]): void {
    for (const p of posts) {
      if (this.queue.has(p.key) || this.accepted.has(p.key) || this.inFlight.some((e) => e.key === p.key)) continue;
      this.queue.set(p.key, { key: p.key, egm: p.egm, seq: this.seq++ });
    }
    this.pump();
  }

  /** The connection is gone: stop, keep the unanswered posts' tokens for next time. */
  stop(): void {
    this.stopped = true;
    if (this.pauseTimer !== null) this.o.clock.clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
  }

  get queued(): number {
    return this.queue.size + this.inFlight.length;
  }

  private pump(): void {
    if (this.stopped) return;
    const window = this.o.window ?? GROUP_POSTS_IN_FLIGHT;
    let needTokens = false;
    if (this.pausedUntil === null && !(this.draining && this.inFlight.length > 0)) {
      this.draining = false;
      for (const e of this.queue.values()) {
        if (this.inFlight.length >= window) break;
        if (!this.o.isPending(e.key)) {
          // Acked by a replay, or its group was left: never send it.
          this.queue.delete(e.key);
          this.o.heldTokens.delete(e.key);
          continue;
        }
        const token = this.o.heldTokens.get(e.key) ?? this.o.takeToken();
        if (token === null) {
          needTokens = true;
          break;
        }
        this.o.heldTokens.set(e.key, token);
        const r = this.o.post(token, e.egm);
        if (!r.ok) return this.stop(); // the connection is closing; its onClose ends this pump
        this.queue.delete(e.key);
        this.inFlight.push(e);
        r.value.then((outcome) => this.answered(e, outcome));
      }
    }
    // Buy ahead: while more posts wait than tokens are in hand, so the next batch is there before it is needed.
    if (!this.buying && (needTokens || (this.queue.size > 0 && this.o.unspentTokens() < Math.max(GROUP_TOKENS_LOW_WATER, this.queue.size)))) {
      if (this.pausedUntil === null || this.pauseReason !== 'tokens') this.buy();
    }
    this.report(needTokens);
    if (this.queued === 0) this.o.onIdle?.();
  }

  private buy(): void {
    this.buying = true;
    // Decided a turn later: a burst queues all its posts first, so its first purchase is sized for all of them
    // (one batch of 100, not 10 then 100).
    this.o.clock.setTimeout(() => {
      if (this.stopped) {
        this.buying = false;
        return;
      }
      this.purchase();
    }, 0);
  }

  private purchase(): void {
    void this.o.buyTokens(this.queue.size).then((ok) => {
      this.buying = false;
      if (this.stopped) return;
      if (ok) {
        this.buyFailures = 0;
      } else {
        this.buyFailures++;
        this.o.log('groups: buying tokens failed; trying again after a pause');
        if (this.o.unspentTokens() === 0) {
          this.pause('tokens', backoff(this.buyFailures));
          this.o.onStuck?.('tokens');
          return;
        }
      }
      this.pump();
    });
  }

  private answered(e: Entry, outcome: PostOutcome): void {
    const i = this.inFlight.indexOf(e);
    if (i >= 0) this.inFlight.splice(i, 1);
    if (this.stopped || (!outcome.accepted && outcome.closed)) {
      // Unanswered: the token stays held for this post (see the top of this file).
      return;
    }
    if (outcome.accepted) {
      this.accepted.add(e.key);
      this.o.heldTokens.delete(e.key);
      this.refusals = 0;
      this.pump();
      return;
    }
    // Refused: back in the queue at its place in the chain, sent again once everything in flight has answered.
    this.requeue(e);
    this.draining = true;
    if (outcome.retryAfterMs !== undefined) {
      // The token was not spent: it stays held for this post.
      // Bounded both ways: a hostile server can neither park the outbox for days nor make us resend in a tight loop.
      this.pause('rate-limited', Math.max(GROUP_POST_RETRY_MIN_MS, Math.min(outcome.retryAfterMs, GROUP_POST_RETRY_AFTER_MAX_MS)));
    } else {
      this.o.heldTokens.delete(e.key);
      this.refusals++;
      this.o.log('groups: the server refused a post (token); trying again with another token');
      this.pause('refused', backoff(this.refusals));
      this.o.onStuck?.('refused');
    }
    this.pump();
  }

  private requeue(e: Entry): void {
    const all = [...this.queue.values(), e].sort((a, b) => a.seq - b.seq);
    this.queue = new Map(all.map((x) => [x.key, x]));
  }

  private pause(reason: PostWaiting, ms: number): void {
    const until = this.o.clock.now() + ms;
    if (this.pausedUntil !== null && this.pausedUntil >= until) return;
    if (this.pauseTimer !== null) this.o.clock.clearTimeout(this.pauseTimer);
    this.pausedUntil = until;
    this.pauseReason = reason;
    this.pauseTimer = this.o.clock.setTimeout(() => {
      this.pauseTimer = null;
      this.pausedUntil = null;
      this.pauseReason = null;
      this.pump();
    }, ms);
  }

  private report(needTokens: boolean): void {
    const queued = this.queued;
    let s: PostQueueStatus;
    if (queued === 0) s = { queued, waiting: null };
    else if (this.pausedUntil !== null && this.pauseReason !== null) s = { queued, waiting: this.pauseReason, retryAt: this.pausedUntil };
    else if (needTokens && this.inFlight.length === 0) s = { queued, waiting: 'tokens' };
    else s = { queued, waiting: null };
    const l = this.lastStatus;
    if (l !== null && l.queued === s.queued && l.waiting === s.waiting && l.retryAt === s.retryAt) return;
    this.lastStatus = s;
    this.o.onStatus(s);
  }
}

function backoff(failures: number): number {
  return Math.min(GROUP_POST_RETRY_MAX_MS, GROUP_POST_RETRY_MIN_MS * 2 ** Math.min(failures - 1, 20));
}
