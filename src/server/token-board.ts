// The token board (docs/protocol.md §7.5; cwtch-server server_tokenboard.go): after AuthApp, each connection may
// replay (ReplayResult n, n raw EGMs, then synced) and post (spend a token, store, PostResult, broadcast NewMessage
// to every synced connection including the poster's).
// As the Go server: a post with an empty signature spends its (valid) token, stores nothing and gets no reply.
// Differences from the Go server, on purpose: every other post is validated completely BEFORE its token is spent
// (a bad size is answered Success:false and the token kept); posts are acknowledged only once durable; an unknown
// LastCommit is flagged with "FullResync":true; a connection over its post rate is refused with RetryAfterMs; a
// client that asks for packing gets its replay and live pushes packed, and one that gives a Since gets only the time
// windows since, or an estimate of the cost first (docs/sync-extension.md).

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Connection } from '../core/tapir/connection.js';
import type { Clock, TimerHandle } from '../core/ports.js';
import type { Application } from '../core/tapir/apps/application.js';
import { AfterAuthApp } from '../core/tapir/apps/after-auth.js';
import type { AuthApp } from '../core/tapir/apps/auth-app.js';
import type { TokenServer } from '../core/privacypass/token-server.js';
import {
  BOARD_FIRST_REQUEST_TIMEOUT_MS,
  BOARD_IDLE_TIMEOUT_MS,
  BOARD_MAX_CIPHERTEXT_BYTES,
  BOARD_POSTS_PER_MINUTE,
  BOARD_REPLAY_BATCH,
  BOARD_LIVE_MAX_BUFFERED_BYTES,
  BOARD_REPLAY_HIGH_WATER_BYTES,
  BOARD_SIGNATURE_BYTES,
  BOARD_WINDOW_DEFAULT_S,
  PACKED_LENGTH_BYTES,
  PACKED_MAX_PAYLOAD,
  PACKED_SIGNATURE_BYTES,
  PACKING_VERSION,
} from '../core/limits.js';
import {
  SERVER_SYNCED_CAPABILITY,
  decodeBoardMessage,
  encodeBoardMessage,
  postSpendData,
  type BoardMessage,
  type EncryptedGroupMessage,
} from '../core/groups/board-messages.js';
import { PackedStreamWriter, packable } from '../core/groups/board-packing.js';
import type { MessageStore } from './message-store.js';
import { windowEndOf, windowStartOf } from '../core/groups/sync-window.js';
import { syncPostWriter, type PostWriter } from './post-writer.js';
import { EgmWriter } from './egm-writer.js';
import { PostRate } from './post-rate.js';
import { decodeExactPost } from './post-request.js';
import { ok } from '../core/result.js';
import { utf8 } from '../core/bytes.js';

export type BoardEvent = 'post' | 'replay' | 'spend-rejected' | 'post-invalid';

export interface TokenBoardOptions {
  readonly store: MessageStore;
  /** Who commits posts; default: the store on this thread. */
  readonly writer?: PostWriter;
  readonly tokenServer: TokenServer;
  /** The board's onion (56 chars): posts' tokens are bound to it. */
  readonly serverOnion: string;
  readonly clock: Clock;
  readonly postsPerMinute?: number;
  /** The rate window (default one minute); shorter only in tests, with postsPerMinute counted per window. */
  readonly postRateWindowMs?: number;
  readonly firstRequestTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /**
   * Pack the replay and live pushes for clients that ask (docs/sync-extension.md). Default true; false answers
   * every client as a Go server does (the ask is ignored).
   */
  readonly packedReplay?: boolean;
  /**
   * Width of the time windows rows are filed in, seconds (docs/sync-extension.md §10); default
   * BOARD_WINDOW_DEFAULT_S. The caller checks it against BOARD_WINDOW_MIN_S…MAX_S.
   */
  readonly windowS?: number;
  /** Honour Since and Estimate (docs/sync-extension.md §10). Default true; false ignores both, as a Go server does. */
  readonly timeWindows?: boolean;
  /** Counting hook for logs; never carries contents or client details. */
  readonly onEvent?: (e: BoardEvent) => void;
}

interface Pending {
  readonly tokenT: Uint8Array;
  readonly egm: EncryptedGroupMessage;
  readonly done: (fresh: boolean) => void;
}

type PostRequest = Extract<BoardMessage, { type: 'post-request' }>;

/** The two plain PostResults, encoded once (send() copies them into each sealed packet). */
const POST_ACCEPTED = encodeBoardMessage({ type: 'post-result', success: true });
const POST_REFUSED = encodeBoardMessage({ type: 'post-result', success: false });

export class TokenBoard {
  private readonly synced = new Set<Connection>();
  /** Synced connections whose replay was packed: their live pushes are packed too. */
  private readonly packedLive = new Set<Connection>();
  private queue: Pending[] = [];
  private flushScheduled = false;
  private committing = false;
  private readonly writer: PostWriter;

  /** The board's onion as bytes (spend data ends with it). */
  private readonly onion: Uint8Array;

  constructor(private readonly o: TokenBoardOptions) {
    this.writer = o.writer ?? syncPostWriter(o.store);
    this.onion = utf8(o.serverOnion);
  }

  /** Connections currently receiving live messages. */
  get syncedCount(): number {
    return this.synced.size;
  }

  /** Serve one authenticated connection until it closes. */
  async serve(conn: Connection): Promise<void> {
    const { clock } = this.o;
    this.writer.prepare?.();
    let timer: TimerHandle | null = null;
    const arm = (ms: number): void => {
      if (timer !== null) clock.clearTimeout(timer);
      timer = clock.setTimeout(() => conn.close('deadline'), ms);
    };
    conn.onClose(() => {
      if (timer !== null) clock.clearTimeout(timer);
      this.synced.delete(conn);
      this.packedLive.delete(conn);
    });
    arm(this.o.firstRequestTimeoutMs ?? BOARD_FIRST_REQUEST_TIMEOUT_MS);
    const rate = new PostRate(this.o.postsPerMinute ?? BOARD_POSTS_PER_MINUTE, this.o.postRateWindowMs ?? 60_000);
    let replayed = false;
    let estimated = false;
    const windows = this.o.timeWindows !== false;
    for (;;) {
      // A view of the connection's open buffer (valid until the next read): every request is decoded into fresh
      // values before the next one is read, and the packets one socket chunk brought are taken without a promise each.
      const pkt = conn.pollView() ?? (await conn.expectView());
      if (pkt === null) return;
      arm(this.o.idleTimeoutMs ?? BOARD_IDLE_TIMEOUT_MS);
      const exact = decodeExactPost(pkt, this.onion);
      const m = exact !== null ? ok(exact.message) : decodeBoardMessage(pkt);
      if (!m.ok) return conn.close('protocol');
      if (m.value.type === 'replay-request') {
        // One replay per connection: a second would only make us resend the table (amplification).
        if (replayed) continue;
        const r = m.value;
        const packing = r.packing !== undefined && this.o.packedReplay !== false ? PACKING_VERSION : undefined;
        const since = windows && r.since !== undefined ? this.windowStart(r.since) : undefined;
        if (windows && r.estimate === true) {
          // One estimate per connection, before its replay: the cost only, nothing else is sent.
          if (!estimated) conn.send(encodeBoardMessage(this.estimate(r.lastCommit, packing, since)));
          estimated = true;
          continue;
        }
        replayed = true;
        await this.replay(conn, r.lastCommit, packing, since);
      } else if (m.value.type === 'post-request') {
        const wait = rate.admit(clock.now());
        if (wait > 0) {
          conn.send(encodeBoardMessage({ type: 'post-result', success: false, retryAfterMs: wait }));
          continue;
        }
        const success = await this.post(m.value, exact?.spendData);
        if (success !== 'no-reply') conn.send(success ? POST_ACCEPTED : POST_REFUSED);
      }
      // Other types (including unknown ones) are ignored, as the Go server does.
    }
  }

  private get windowS(): number {
    return this.o.windowS ?? BOARD_WINDOW_DEFAULT_S;
  }

  private windowStart(since: number): number {
    return windowStartOf(since, this.windowS);
  }

  /** What the replay for this request would send: its messages and packets (docs/sync-extension.md §10.3). */
  private estimate(lastCommit: Uint8Array | null, packing: number | undefined, since: number | undefined): BoardMessage & { type: 'replay-result' } {
    const plan = this.o.store.planReplay(lastCommit, since);
    const cost = plan.count === 0 ? { count: 0, ciphertextBytes: 0 } : this.o.store.replayCost(plan.fromId, plan.toId);
    const stream = cost.count * (PACKED_LENGTH_BYTES + PACKED_SIGNATURE_BYTES) + cost.ciphertextBytes;
    // Packed: the entry stream cut into full packets (docs/sync-extension.md §3); plain: one packet per message.
    const packets = packing === undefined ? cost.count : Math.ceil(stream / (PACKED_MAX_PAYLOAD - 1));
    return {
      type: 'replay-result',
      numMessages: cost.count,
      fullResync: plan.fullResync,
      ...(packing !== undefined ? { packing } : {}),
      ...(since !== undefined ? { since, window: this.windowS } : {}),
      estimate: true,
      packets,
    };
  }

  private event(e: BoardEvent): void {
    this.o.onEvent?.(e);
  }

  /** Validate, check the token, then store durably and broadcast. Resolves with the PostResult, or no reply (Go's). */
  private async post(p: PostRequest, sentSpendData?: Uint8Array): Promise<boolean | 'no-reply'> {
    const { egm, token } = p;
    const spendData = (): Uint8Array => sentSpendData ?? postSpendData(egm, this.o.serverOnion);
    if (egm.signature.length === 0 && token !== null) {
      // Go spends a valid token on an empty-signature post, stores nothing and answers nothing; so do we.
      this.event('post-invalid');
      if (!this.o.store.isSpent(token.T) && this.o.tokenServer.verifySpend(token, spendData())) {
        await new Promise<boolean>((done) => this.enqueue({ tokenT: token.T, egm, done }));
      }
      return 'no-reply';
    }
    // Everything about the post is checked before the token is touched.
    if (
      egm.signature.length !== BOARD_SIGNATURE_BYTES ||
      egm.ciphertext.length === 0 ||
      egm.ciphertext.length > BOARD_MAX_CIPHERTEXT_BYTES ||
      token === null
    ) {
      this.event('post-invalid');
      return false;
    }
    if (this.o.store.isSpent(token.T) || !this.o.tokenServer.verifySpend(token, spendData())) {
      this.event('spend-rejected');
      return false;
    }
    const fresh = await new Promise<boolean>((done) => this.enqueue({ tokenT: token.T, egm, done }));
    if (!fresh) {
      this.event('spend-rejected');
      return false;
    }
    // Broadcast already, with the rest of its commit batch (flush).
    this.event('post');
    return true;
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Group commit: every post that arrived in this turn of the event loop shares one fsync.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    // One commit at a time: posts that arrive during it form the next batch (it grows with the arrival rate).
    if (this.committing || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.committing = true;
    const settle = (results: readonly boolean[]): void => {
      this.committing = false;
      // Every post stored by this commit goes out before any of their PostResults, as one batch: a packed
      // connection gets them in as few packets as hold them. An empty signature stores nothing, so it is not sent.
      this.broadcast(batch.filter((p, i) => results[i] === true && p.egm.signature.length > 0).map((p) => p.egm));
      batch.forEach((p, i) => p.done(results[i] === true));
      if (this.queue.length > 0) this.flush();
    };
    // Filed in the window of its commit: the row keeps the window's end, never the arrival time itself.
    const windowEnd = windowEndOf(this.o.clock.now(), this.windowS);
    this.writer.commit(batch.map((p) => ({ tokenT: p.tokenT, signature: p.egm.signature, ciphertext: p.egm.ciphertext, windowEnd }))).then(
      settle,
      // Not stored → not acknowledged (the token was not spent either: the transaction rolled back).
      () => settle([]),
    );
  }

  private broadcast(egms: readonly EncryptedGroupMessage[]): void {
    if (egms.length === 0) return;
    // Encoded once per kind, for every connection of that kind.
    let plain: Uint8Array[] | null = null;
    let packed: Uint8Array[] | null = null;
    for (const c of this.synced) {
      // A reader that stopped reading is dropped, not buffered for: it comes back and replays under flow control.
      if (c.bufferedBytes > BOARD_LIVE_MAX_BUFFERED_BYTES) {
        c.close('flood');
        continue;
      }
      const packets = this.packedLive.has(c) ? (packed ??= livePackets(egms, true)) : (plain ??= livePackets(egms, false));
      for (const p of packets) c.send(p);
    }
  }

  private async replay(conn: Connection, lastCommit: Uint8Array | null, packing: number | undefined, since: number | undefined): Promise<void> {
    this.event('replay');
    const { store } = this.o;
    const plan = store.planReplay(lastCommit, since);
    const result = {
      type: 'replay-result',
      numMessages: plan.count,
      fullResync: plan.fullResync,
      ...(packing !== undefined ? { packing } : {}),
      ...(since !== undefined ? { since, window: this.windowS } : {}),
    } as const;
    if (!conn.send(encodeBoardMessage(result)).ok) return;
    let sent = 0;
    let lastId = 0;
    let from = plan.fromId;
    const egm = new EgmWriter();
    const packer = packing === undefined ? null : new PackedStreamWriter((p) => conn.send(p).ok);
    while (sent < plan.count) {
      const batch = store.replayBatch(from, plan.toId, BOARD_REPLAY_BATCH);
      // Pruned under us: we cannot send what we announced; the client reconnects and replays again.
      if (batch.count === 0) return conn.close('local');
      const { bytes, rows } = batch;
      let at = 0;
      for (let i = 0; i < batch.count; i++) {
        if (sent === plan.count) break;
        const sigEnd = at + rows[3 * i + 1]!;
        const ctEnd = sigEnd + rows[3 * i + 2]!;
        if (packer !== null && packable(sigEnd - at, ctEnd - sigEnd)) {
          if (!packer.add(bytes, at, bytes, sigEnd, ctEnd)) return;
        } else if ((packer !== null && !packer.flush()) || !conn.send(egm.writeFrom(bytes, sigEnd, ctEnd, bytes, at, sigEnd)).ok) {
          // A row the packing cannot carry goes raw, between entries.
          return;
        }
        at = ctEnd;
        sent++;
        lastId = rows[3 * i]!;
        // Seal no further ahead of the reader than the high-water mark (memory stays bounded; a client that stops
        // reading is closed by the idle deadline, which ends the wait).
        if (conn.bufferedBytes > BOARD_REPLAY_HIGH_WATER_BYTES) {
          await conn.drained();
          if (conn.closed) return;
        }
      }
      from = lastId + 1;
      // Let other connections run between batches.
      if (sent < plan.count) await nextTurn();
      if (conn.closed) return;
    }
    if (packer !== null && !packer.flush()) return;
    // Synced from here on: live broadcasts, plus (as Go's inclusive query does) everything from the last
    // replayed message on, which covers posts that arrived while we were replaying. Same turn: no gap.
    this.synced.add(conn);
    if (packer !== null) this.packedLive.add(conn);
    conn.setCapability(SERVER_SYNCED_CAPABILITY);
    let from2 = lastId === 0 ? plan.toId + 1 : lastId;
    for (;;) {
      const rows = store.rows(from2, Number.MAX_SAFE_INTEGER, BOARD_REPLAY_BATCH);
      for (const p of livePackets(rows, packer !== null)) conn.send(p);
      if (rows.length < BOARD_REPLAY_BATCH) return;
      from2 = rows.at(-1)!.id + 1;
    }
  }
}

/**
 * The live packets for `egms`, in order: one NewMessage each, or (packed) whole entries in as few packed packets as
 * hold them, with a NewMessage for any message the packing cannot carry.
 */
function livePackets(egms: readonly EncryptedGroupMessage[], packed: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  const w = packed ? new PackedStreamWriter((p) => out.push(p.slice()) > 0) : null;
  for (const egm of egms) {
    if (w !== null && packable(egm.signature.length, egm.ciphertext.length)) {
      w.addWhole(egm);
      continue;
    }
    w?.flush();
    out.push(encodeBoardMessage({ type: 'new-message', egm }));
  }
  w?.flush();
  return out;
}

/** AuthApp, then the board loop on the authenticated connection. */
export class BoardServerApp extends AfterAuthApp {
  constructor(
    auth: AuthApp,
    private readonly board: TokenBoard,
  ) {
    super(auth);
  }

  newInstance(): Application {
    return new BoardServerApp(this.auth.newInstance() as AuthApp, this.board);
  }

  protected async afterAuth(conn: Connection): Promise<void> {
    await this.board.serve(conn);
  }
}
