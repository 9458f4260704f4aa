// One group server as this profile sees it (docs/protocol.md §7.5, §9): a token-board connection made with a fresh
// ephemeral identity each time (never the profile's long-term service — handbook "Ephemeral Connections"), the
// replay from our last commit, the live stream, posting with privacy-pass tokens, and re-connection with back-off.
// In low-bandwidth mode nothing runs until asked: `syncOnce` connects, replays, posts what is queued and hangs up.

import type { PeerState } from '../../core/api/events.js';
import type { CryptoBackend } from '../../core/crypto/backend.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import type { RistrettoPointType } from '../../core/crypto/ristretto.js';
import type { EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import { TokenBoardClientApp, type ReplayEstimate, type SyncInfo, type TokenBoardClient } from '../../core/groups/token-board-client.js';
import { GROUP_TOKEN_BURST_BATCH, GROUP_TOKENS_LOW_WATER, SERVER_RETRY_MAX_MS, SERVER_RETRY_MIN_MS } from '../../core/limits.js';
import { TOKEN_BATCH_SIZE } from '../../core/privacypass/constants.js';
import type { Acn } from '../../core/net/acn.js';
import type { Clock, Random, TimerHandle } from '../../core/ports.js';
import type { Token } from '../../core/privacypass/token.js';
import { AuthApp } from '../../core/tapir/apps/auth-app.js';
import { buyTokens } from '../../core/tapir/apps/token-app.js';
import { TapirService } from '../../core/tapir/service.js';
import { PostPump, type PostQueueStatus } from './post-pump.js';

export interface ServerSyncOptions {
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly clock: Clock;
  /** Already counting this server's bytes. */
  readonly acn: Acn;
  readonly log: (line: string) => void;
  readonly server: OnionAddress;
  readonly tokenService: OnionAddress;
  readonly Y: RistrettoPointType;
  readonly powDifficultyBits?: number;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** What to replay from (null: everything). */
  readonly lastCommit: () => Uint8Array | null;
  /** Unix seconds from which we need messages (docs/sync-extension.md §10); null: no such point (everything). */
  readonly since?: () => number | null;
  /**
   * Whether this session asks for the cost first (low-bandwidth mode before a sync the user has not confirmed), and
   * what to do with the estimate: false hangs up before any message is sent.
   */
  readonly estimate?: {
    readonly first: () => boolean;
    readonly on: (e: ReplayEstimate, askedFrom: Uint8Array | null) => boolean;
  };
  readonly onMessage: (egm: EncryptedGroupMessage, source: 'replay' | 'live') => void;
  /**
   * onMessage only reads a replayed EGM's ciphertext while it runs (and copies what it keeps), so the board client
   * may decode it into a reused buffer (TokenBoardClientOptions.transientCiphertext). Default false.
   */
  readonly transientCiphertext?: boolean;
  /**
   * The server's answer to our replay request, before any message is read; false hangs up (low-bandwidth cost
   * prompt). `askedFrom` is the LastCommit we sent.
   */
  readonly onReplayResult: (info: SyncInfo, askedFrom: Uint8Array | null) => boolean;
  readonly onSynced: (info: SyncInfo, askedFrom: Uint8Array | null) => void;
  /** `detail`: why the last session ended (when it failed) and when the next try is (ms since the epoch). */
  readonly onState: (state: PeerState, detail?: ServerStateDetail) => void;
  /** Our queued posts for this server (signed, not yet echoed back), oldest first, with their keys. */
  readonly pendingPosts: () => QueuedPost[];
  /** How many posts wait for this server (pendingPosts().length, without decoding them). */
  readonly pendingCount: () => number;
  /** Whether the post with this key is still queued (not acked, not deleted). */
  readonly isPending: (key: string) => boolean;
  /** The post queue's state changed (how many wait, and why). */
  readonly onPostQueue: (s: PostQueueStatus) => void;
  readonly takeToken: () => Token | null;
  readonly addTokens: (tokens: Token[]) => void;
  readonly unspentTokens: () => number;
}

export type SyncOutcome = 'synced' | 'stopped' | 'failed';

export interface ServerStateDetail {
  readonly reason?: string;
  readonly retryAt?: number;
}

/** A queued post: its key (the hex of its signature) and its signed EGM. */
export interface QueuedPost {
  readonly key: string;
  readonly egm: EncryptedGroupMessage;
}

export class ServerSync {
  private client: TokenBoardClient | null = null;
  private svc: TapirService | null = null;
  private standing = false;
  private closed = false;
  private failures = 0;
  private timer: TimerHandle | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private buying: Promise<boolean> | null = null;
  /** The current synced connection's post queue (its only consumer). */
  private pump: PostPump | null = null;
  /** Tokens kept for posts that were refused for rate or left unanswered (see post-pump.ts), by post key. */
  private readonly heldTokens = new Map<string, Token>();
  /** This server's token service failed a GROUP_TOKEN_BURST_BATCH purchase: buy the usual size only. */
  private noBurstBatch = false;
  /** Posts queued while no connection is synced (null: not counted yet); the next pump reads the real queue. */
  private offlineQueued: number | null = null;
  private state: PeerState = 'Disconnected';
  private backgroundTokens = true;
  private sessionsEnded = 0;
  /** stop() was called on the current session. */
  private stopping = false;
  /** Why the last session failed, in words (the network's or the server's); null after one that synced. */
  private lastReason: string | null = null;

  constructor(private readonly o: ServerSyncOptions) {}

  get connected(): boolean {
    return this.client !== null;
  }

  get synced(): boolean {
    return this.client?.synced ?? false;
  }

  /** Whether this server has had its say since we started: a replay finished, or a session ended (failed or not). */
  get settled(): boolean {
    return this.sessionsEnded > 0 || this.client?.synced === true;
  }

  get currentState(): PeerState {
    return this.state;
  }

  /** Keep a connection open (normal mode) or not (low-bandwidth). Turning it off hangs up now. */
  setStanding(on: boolean): void {
    this.standing = on;
    this.backgroundTokens = on;
    if (on) {
      this.loop ??= this.runLoop().finally(() => (this.loop = null));
      this.kick();
    } else {
      this.hangUp();
    }
  }

  /** Retry now instead of waiting out the back-off. */
  kick(): void {
    this.failures = 0;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** One connection: replay, post what is queued, hang up. For low-bandwidth mode and manual syncs. */
  async syncOnce(): Promise<SyncOutcome> {
    if (this.closed) return 'failed';
    if (this.client !== null) return this.client.synced ? 'synced' : 'failed';
    return this.session(true);
  }

  /** Hang up the current session at the user's limit (the data budget): it ends as 'stopped'. */
  stop(): void {
    if (this.svc === null) return;
    this.stopping = true;
    this.hangUp();
  }

  /** Queue a post: sent now if the connection is synced; otherwise it goes out after the next replay. */
  post(p: QueuedPost): void {
    if (this.pump !== null) this.pump.add([p]);
    // Counted, not re-read: a bot posting 1,000 while the server is down must not decode the queue 1,000 times.
    else this.o.onPostQueue({ queued: (this.offlineQueued = (this.offlineQueued ?? this.o.pendingCount() - 1) + 1), waiting: this.standing ? 'connecting' : 'low-bandwidth' });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.standing = false;
    this.kick();
    this.hangUp();
    await this.loop;
  }

  private hangUp(): void {
    void this.svc?.close();
  }

  private setState(s: PeerState): void {
    if (s === this.state) return;
    this.state = s;
    this.o.onState(s);
  }

  private async runLoop(): Promise<void> {
    while (this.standing && !this.closed) {
      const r = await this.session(false);
      if (!this.standing || this.closed) return;
      if (r === 'synced') this.failures = 0;
      const base = Math.min(this.o.retryMaxMs ?? SERVER_RETRY_MAX_MS, (this.o.retryMinMs ?? SERVER_RETRY_MIN_MS) * 2 ** Math.min(this.failures, 20));
      this.failures++;
      const b = this.o.random.bytes(1);
      const delay = Math.round(base * (0.75 + (b[0]! / 255) * 0.5));
      // Say why it is down and when it tries again: "Failed" alone for minutes is no help.
      this.o.onState(this.state, { ...(r === 'synced' || this.lastReason === null ? {} : { reason: this.lastReason }), retryAt: this.o.clock.now() + delay });
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = this.o.clock.setTimeout(() => {
          this.timer = null;
          this.wake = null;
          resolve();
        }, delay);
      });
    }
  }

  /** Connect with a new ephemeral identity and run until the connection closes (or, `once`, until posted). */
  private async session(once: boolean): Promise<SyncOutcome> {
    const { o } = this;
    const svc = TapirService.ephemeral({ acn: o.acn, backend: o.backend, random: o.random, clock: o.clock });
    this.svc = svc;
    let outcome: SyncOutcome = 'failed';
    svc.onStateChange((c) => {
      if (c.state === 'Connecting' || c.state === 'Authenticated' || c.state === 'Failed') this.setState(c.state);
    });
    let askedFrom: Uint8Array | null = null;
    const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend: o.backend, random: o.random }), {
      get lastCommit() {
        return (askedFrom = o.lastCommit());
      },
      since: o.since?.() ?? null,
      ...(o.estimate !== undefined && o.estimate.first()
        ? {
            onEstimate: (e: ReplayEstimate) => {
              const go = o.estimate!.on(e, askedFrom);
              if (!go) outcome = 'stopped';
              return go;
            },
          }
        : {}),
      onMessage: (egm, source) => o.onMessage(egm, source),
      transientCiphertext: o.transientCiphertext === true,
      onReplayResult: (info) => {
        const go = o.onReplayResult(info, askedFrom);
        if (!go) outcome = 'stopped';
        return go;
      },
      onSynced: (info) => {
        outcome = 'synced';
        this.setState('Synced');
        o.onSynced(info, askedFrom);
        const c = this.client;
        if (c === null) return;
        this.startPump(c, once);
      },
      onClient: (c) => (this.client = c),
    });
    try {
      const c = await svc.connect(o.server, app);
      if (c.ok) await new Promise<void>((resolve) => c.value.onClose(() => resolve()));
      this.lastReason = !c.ok ? c.error.reason : (outcome as SyncOutcome) === 'synced' ? null : 'the server closed the connection before its replay was done';
    } finally {
      this.pump?.stop();
      this.pump = null;
      this.client = null;
      this.svc = null;
      this.sessionsEnded++;
      await svc.close();
      // A dial that failed already reported 'Failed'; anything that got further ends as 'Disconnected'.
      if (this.state !== 'Failed') this.setState('Disconnected');
      const queued = this.closed ? 0 : o.pendingCount();
      this.offlineQueued = queued;
      if (queued > 0) o.onPostQueue({ queued, waiting: this.standing ? 'connecting' : 'low-bandwidth' });
    }
    if (this.stopping) {
      this.stopping = false;
      return 'stopped';
    }
    return outcome;
  }

  /** The synced connection's post queue: everything pending now, then each new post. `once`: hang up when done. */
  private startPump(client: TokenBoardClient, once: boolean): void {
    const o = this.o;
    const pending = o.pendingPosts();
    // Tokens held for posts that are no longer queued (acked by this replay, or left) are of no further use.
    const keys = new Set(pending.map((p) => p.key));
    for (const k of this.heldTokens.keys()) if (!keys.has(k)) this.heldTokens.delete(k);
    const hangUpIfCurrent = (): void => {
      if (client === this.client) this.hangUp();
    };
    const pump = new PostPump({
      clock: o.clock,
      post: (token, egm) => client.post(token, egm, o.server),
      takeToken: o.takeToken,
      unspentTokens: o.unspentTokens,
      buyTokens: (wanted) => this.ensureTokens(wanted),
      isPending: o.isPending,
      heldTokens: this.heldTokens,
      onStatus: o.onPostQueue,
      log: o.log,
      onIdle: () => {
        if (once) hangUpIfCurrent();
        // Standing connections keep a batch in hand for the next post (never in low-bandwidth mode: no background traffic).
        else if (this.backgroundTokens && this.buying === null && o.unspentTokens() < GROUP_TOKENS_LOW_WATER) void this.ensureTokens();
      },
      // A one-shot sync does not wait out a failure: the posts stay queued (and say why) for the next sync.
      ...(once ? { onStuck: hangUpIfCurrent } : {}),
    });
    this.pump = pump;
    this.offlineQueued = null;
    pump.add(pending);
  }

  /**
   * Buy one batch (PoW + token app on the token service, proof checked against the bundle's Y): the usual
   * TOKEN_BATCH_SIZE, or GROUP_TOKEN_BURST_BATCH when more posts than that wait (one proof-of-work per 100 posts
   * instead of per 10). A server that will not sign the large batch gets the usual size from then on.
   */
  private ensureTokens(wanted = 0): Promise<boolean> {
    this.buying ??= (async () => {
      const o = this.o;
      const big = wanted > TOKEN_BATCH_SIZE && !this.noBurstBatch;
      const attempt = (batchSize: number) =>
        buyTokens({
          acn: o.acn,
          tokenService: o.tokenService,
          Y: o.Y,
          backend: o.backend,
          random: o.random,
          clock: o.clock,
          batchSize,
          ...(o.powDifficultyBits !== undefined ? { difficultyBits: o.powDifficultyBits } : {}),
        });
      let r = await attempt(big ? GROUP_TOKEN_BURST_BATCH : TOKEN_BATCH_SIZE);
      if (!r.ok && big && !this.closed) {
        this.noBurstBatch = true;
        o.log('groups: the token service would not sign a large batch; buying the usual size');
        r = await attempt(TOKEN_BATCH_SIZE);
      }
      if (!r.ok) {
        o.log(`groups: buying tokens failed (${r.error.code})`);
        return false;
      }
      // Closed meanwhile (the profile locked, the group left): the profile may be closed too.
      if (this.closed) return false;
      try {
        o.addTokens(r.value);
      } catch {
        o.log('groups: could not store bought tokens');
        return false;
      }
      return true;
    })().finally(() => (this.buying = null));
    return this.buying;
  }
}
