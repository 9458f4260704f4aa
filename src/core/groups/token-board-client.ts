// The client side of the token-board protocol (docs/protocol.md §7.5), driven over an authenticated Connection:
// ReplayRequest from the last commit → ReplayResult n → n raw EGMs → synced → live NewMessage and PostResult.
// Messages are de-duplicated by signature (the server re-sends the last replayed message on purpose). The groups
// layer builds fetch loops and decryption on top of this. Against our own server the replay (and live pushes) may be
// packed (docs/sync-extension.md); onMessage still gets one EGM at a time, in the same order.

import { bytesKey } from '../bytes.js';
import type { OnionAddress } from '../crypto/onion.js';
import { BOARD_CLIENT_DEDUP_WINDOW, BOARD_CLIENT_MAX_REPLAY, PACKING_VERSION } from '../limits.js';
import { spendToken, type Token } from '../privacypass/token.js';
import { fail, ok, type Result } from '../result.js';
import type { Connection } from '../tapir/connection.js';
import { AfterAuthApp } from '../tapir/apps/after-auth.js';
import type { AuthApp } from '../tapir/apps/auth-app.js';
import type { Application } from '../tapir/apps/application.js';
import { TransientEgmDecoder, decodeBoardMessage, decodeEgm, encodeBoardMessage, postSpendData, type EncryptedGroupMessage } from './board-messages.js';
import { PACKED_TAG, PackedStreamReader } from './board-packing.js';


export interface SyncInfo {
  /** EGMs the server announced for this replay (the first may be one we already had). */
  readonly replayed: number;
  /** The server did not know our last commit (pruned, or a different server) and sent everything (since `since`). */
  readonly fullResync: boolean;
  /** The window start (unix seconds) the server replays from, when it applied our Since (docs/sync-extension.md §10). */
  readonly since?: number;
}

/** A server's estimate of the replay it would send (docs/sync-extension.md §10.3): nothing has been sent yet. */
export interface ReplayEstimate extends SyncInfo {
  /** Packets the replay would take (each PACKET_SIZE bytes on the wire). */
  readonly packets: number;
  /** Whether the replay would be packed. */
  readonly packed: boolean;
}

/**
 * The server's PostResult for one post. `closed`: the connection closed before it answered (the post may or may
 * not be stored: a stored post comes back in the next replay). `retryAfterMs`: refused for rate, token unspent.
 */
export type PostOutcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly closed: boolean; readonly retryAfterMs?: number };

const CLOSED: PostOutcome = { accepted: false, closed: true };
const ACCEPTED: PostOutcome = { accepted: true };

export interface TokenBoardClientOptions {
  /** Signature of the last message we hold from this server; null replays everything. */
  readonly lastCommit?: Uint8Array | null;
  /** Each new EGM once, in server order ('replay' during the catch-up, then 'live'). */
  readonly onMessage: (egm: EncryptedGroupMessage, source: 'replay' | 'live') => void;
  readonly onSynced?: (info: SyncInfo) => void;
  /**
   * Called with the server's ReplayResult before any EGM is read; returning false closes the connection at once
   * (low-bandwidth mode asks the user before a from-scratch replay). Absent: continue.
   */
  readonly onReplayResult?: (info: SyncInfo) => boolean;
  /**
   * onMessage reads each replayed EGM's ciphertext synchronously and keeps at most a copy: it may then be a view of
   * a buffer reused for the next message (TransientEgmDecoder), which spares allocating ~2.6 KiB per message of a
   * replay that is ~99 % other groups'. The signature is always the caller's to keep. Default false.
   */
  readonly transientCiphertext?: boolean;
  /**
   * Ask for packed replay (docs/sync-extension.md). Only a server that confirms it packs; Go servers ignore the
   * ask and replay plainly. Default true; false sends Go's exact ReplayRequest.
   */
  readonly packedReplay?: boolean;
  /**
   * Unix seconds from which we need messages (docs/sync-extension.md §10): a server that honours it skips whole
   * time windows that ended before it. Absent or null: everything after lastCommit (Go's replay).
   */
  readonly since?: number | null;
  /**
   * Ask the server what the replay costs before it sends any message: called with its estimate; false closes the
   * connection. A server that does not estimate (Go's) replays at once: onReplayResult then decides, as without this.
   */
  readonly onEstimate?: (e: ReplayEstimate) => boolean;
}

export class TokenBoardClient {
  private last: Uint8Array | null;
  private isSynced = false;
  private readonly seen = new Set<string>();
  /** The remembered keys, oldest overwritten first (a ring: Array.shift on a 4096-entry array cost ~0.5 µs/msg). */
  private readonly seenRing: (string | undefined)[] = new Array<string | undefined>(BOARD_CLIENT_DEDUP_WINDOW);
  private seenNext = 0;
  private readonly pendingPosts: ((r: PostOutcome) => void)[] = [];
  private readonly egmDecoder: TransientEgmDecoder | null;
  /** Set once a packed replay is done: live pushes may then come packed too. */
  private liveReader: PackedStreamReader | null = null;
  private readonly deliverReplay = (egm: EncryptedGroupMessage): void => this.deliver(egm, 'replay');
  private readonly deliverLive = (egm: EncryptedGroupMessage): void => this.deliver(egm, 'live');

  constructor(
    private readonly conn: Connection,
    private readonly opts: TokenBoardClientOptions,
  ) {
    this.last = opts.lastCommit ?? null;
    this.egmDecoder = opts.transientCiphertext === true ? new TransientEgmDecoder() : null;
    if (this.last !== null) this.remember(this.last);
    conn.onClose(() => {
      for (const p of this.pendingPosts.splice(0)) p(CLOSED);
    });
  }

  get synced(): boolean {
    return this.isSynced;
  }

  /** Signature of the newest message seen (what to replay from next time). */
  get lastCommit(): Uint8Array | null {
    return this.last;
  }

  /**
   * Send the replay request and process packets until the connection closes. Any protocol violation by the
   * server closes the connection. Resolves when closed.
   */
  async run(): Promise<void> {
    const c = this.conn;
    const ask = this.opts.packedReplay !== false;
    const since = this.opts.since ?? undefined;
    let estimating = this.opts.onEstimate !== undefined;
    const request = (estimate: boolean): boolean =>
      c.send(
        encodeBoardMessage({
          type: 'replay-request',
          lastCommit: this.last,
          ...(ask ? { packing: PACKING_VERSION } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(estimate ? { estimate: true } : {}),
        }),
      ).ok;
    if (!request(estimating)) return;
    // Views of the connection's reused open buffer are fine here: every decoder below copies what it keeps.
    for (;;) {
      const pkt = c.pollView() ?? (await c.expectView());
      if (pkt === null) return;
      if (this.liveReader !== null && pkt[0] === PACKED_TAG) {
        if (!this.liveReader.readWhole(pkt, this.deliverLive).ok) return c.close('protocol');
        continue;
      }
      const m = decodeBoardMessage(pkt);
      if (!m.ok) return c.close('protocol');
      const msg = m.value;
      if (msg.type === 'replay-result' && !this.isSynced) {
        if (msg.numMessages > BOARD_CLIENT_MAX_REPLAY) return c.close('protocol');
        // A version we did not ask for is a server that does not follow the negotiation (unasked: ignored, as Go would).
        if (ask && msg.packing !== undefined && msg.packing !== PACKING_VERSION) return c.close('protocol');
        // A window start after the point we asked from would skip messages we said we need. Unasked: ignored.
        const from = since !== undefined ? msg.since : undefined;
        if (from !== undefined && from > since!) return c.close('protocol');
        const info: SyncInfo = { replayed: msg.numMessages, fullResync: msg.fullResync, ...(from !== undefined ? { since: from } : {}) };
        if (msg.estimate === true) {
          // Only the one estimate we asked for, and it must say what the replay takes.
          if (!estimating || msg.packets === undefined) return c.close('protocol');
          estimating = false;
          const packed = ask && msg.packing === PACKING_VERSION;
          if (!this.opts.onEstimate!({ ...info, packets: msg.packets, packed })) return c.close('local');
          if (!request(false)) return;
          continue;
        }
        // A server that does not estimate replays at once (Go's): this is the replay.
        estimating = false;
        if (this.opts.onReplayResult?.(info) === false) return c.close('local');
        const packed = ask && msg.packing === PACKING_VERSION;
        if (!(await (packed ? this.packedReplay(msg.numMessages) : this.plainReplay(msg.numMessages)))) return;
        if (packed) this.liveReader = new PackedStreamReader(Number.MAX_SAFE_INTEGER, true);
        this.isSynced = true;
        this.opts.onSynced?.(info);
      } else if (msg.type === 'new-message') {
        this.deliver(msg.egm, 'live');
      } else if (msg.type === 'post-result') {
        // PostResults answer posts in order (the server handles one connection's posts one at a time).
        this.pendingPosts.shift()?.(
          msg.success ? ACCEPTED : msg.retryAfterMs !== undefined ? { accepted: false, closed: false, retryAfterMs: msg.retryAfterMs } : { accepted: false, closed: false },
        );
      } else if (msg.type !== 'unknown') {
        // A server sends no requests, and only one replay result.
        return c.close('protocol');
      }
    }
  }

  /** n raw EGM packets. False when the connection closed (or was closed for a violation). */
  private async plainReplay(n: number): Promise<boolean> {
    const c = this.conn;
    for (let i = 0; i < n; i++) {
      const raw = c.pollView() ?? (await c.expectView());
      if (raw === null) return false;
      if (!this.deliverRaw(raw)) return false;
    }
    return true;
  }

  /**
   * n EGMs as a packed stream (raw EGM packets allowed between entries: our server sends a row it cannot pack that
   * way). The same order and de-duplication as a plain replay; with transientCiphertext, ciphertexts are views.
   */
  private async packedReplay(n: number): Promise<boolean> {
    const c = this.conn;
    const reader = new PackedStreamReader(n, this.egmDecoder === null);
    while (reader.remaining > 0) {
      const raw = c.pollView() ?? (await c.expectView());
      if (raw === null) return false;
      const step = raw[0] === PACKED_TAG ? reader.read(raw, this.deliverReplay) : reader.takeRaw();
      if (!step.ok) {
        c.close('protocol');
        return false;
      }
      if (raw[0] !== PACKED_TAG && !this.deliverRaw(raw)) return false;
    }
    return true;
  }

  /** One raw replayed EGM, or close on a malformed one. */
  private deliverRaw(raw: Uint8Array): boolean {
    const egm = this.egmDecoder === null ? decodeEgm(raw) : this.egmDecoder.decode(raw);
    if (!egm.ok) {
      this.conn.close('protocol');
      return false;
    }
    this.deliver(egm.value, 'replay');
    return true;
  }

  /**
   * Spend `token` on `egm` (bound to `serverOnion`) and post it. Resolves with the server's PostResult (token
   * accepted or not, and a rate refusal's wait), or `closed` if the connection closes first. Delivery is confirmed
   * separately, when our own EGM comes back as a NewMessage. Fails locally (`board.bad-post`) for an EGM without a
   * signature.
   */
  post(token: Token, egm: EncryptedGroupMessage, serverOnion: OnionAddress): Result<Promise<PostOutcome>> {
    if (egm.signature.length === 0) return fail('board.bad-post', 'a group message needs a signature');
    const spent = spendToken(token, postSpendData(egm, serverOnion));
    const sent = this.conn.send(encodeBoardMessage({ type: 'post-request', token: spent, egm }));
    if (!sent.ok) return sent;
    return ok(new Promise<PostOutcome>((resolve) => this.pendingPosts.push(resolve)));
  }

  private deliver(egm: EncryptedGroupMessage, source: 'replay' | 'live'): void {
    if (egm.signature.length > 0) {
      this.last = egm.signature;
      if (!this.remember(egm.signature)) return;
    }
    this.opts.onMessage(egm, source);
  }

  /** False if already seen. Keeps a bounded window of the newest signatures. */
  private remember(sig: Uint8Array): boolean {
    const k = bytesKey(sig);
    if (this.seen.has(k)) return false;
    const old = this.seenRing[this.seenNext];
    if (old !== undefined) this.seen.delete(old);
    this.seen.add(k);
    this.seenRing[this.seenNext] = k;
    this.seenNext = (this.seenNext + 1) % BOARD_CLIENT_DEDUP_WINDOW;
    return true;
  }
}

/**
 * AuthApp, then a TokenBoardClient on the authenticated connection. `onClient` gets the client before its replay
 * request goes out (to keep a handle for posting); init resolves when the connection closes.
 */
export class TokenBoardClientApp extends AfterAuthApp {
  constructor(
    auth: AuthApp,
    private readonly opts: TokenBoardClientOptions & { readonly onClient?: (c: TokenBoardClient) => void },
  ) {
    super(auth);
  }

  newInstance(): Application {
    return new TokenBoardClientApp(this.auth.newInstance(), this.opts);
  }

  protected async afterAuth(conn: Connection): Promise<void> {
    const client = new TokenBoardClient(conn, this.opts);
    this.opts.onClient?.(client);
    await client.run();
  }
}
