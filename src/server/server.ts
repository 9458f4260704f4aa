// The Cwtch server: two onion services on one ACN (docs/protocol.md §10 "Group server").
//   token service — ApplicationChain(PoW → token app), no auth app, ephemeral clients;
//   token board   — AuthApp, then the post/replay/live loop (token-board.ts).
// Everything outside (network, crypto backend, clock, randomness) is injected; src/app wires the real ones.

import { join } from 'node:path';
import type { CryptoBackend } from '../core/crypto/backend.js';
import { sign } from '../core/crypto/identity.js';
import { makeServerBundle, serverBundleString, type ServerBundle } from '../core/groups/bundle.js';
import {
  BOARD_HANDSHAKE_TIMEOUT_MS,
  BOARD_MAX_CONNECTIONS,
  BOARD_MAX_PENDING_HANDSHAKES,
  BOARD_MESSAGES_PER_MB,
  TOKEN_MAX_PENDING_SESSIONS,
  TOKEN_SESSION_TIMEOUT_MS,
} from '../core/limits.js';
import type { Acn } from '../core/net/acn.js';
import type { Clock, Random } from '../core/ports.js';
import { TokenServer, type TokenServerOps } from '../core/privacypass/token-server.js';
import { AuthApp } from '../core/tapir/apps/auth-app.js';
import { tokenServiceChain } from '../core/tapir/apps/token-app.js';
import { TapirService } from '../core/tapir/service.js';
import type { ServerConfig } from './config.js';
import { MessageStore } from './message-store.js';
import { WorkerPostWriter } from './post-writer.js';
import { BoardServerApp, TokenBoard, type BoardEvent } from './token-board.js';

export const MESSAGES_DB_FILE = 'cwtch.messages';
/** The token service's handshake is the whole session: this capability is never granted, so its deadline always ends it. */
const TOKEN_SESSION_END = 'TokenSessionEnd';

export interface ServerStats {
  connections: number;
  posts: number;
  replays: number;
  tokensIssued: number;
  spendsRejected: number;
  invalidPosts: number;
}

export interface CwtchServerOptions {
  readonly config: ServerConfig;
  readonly dataDir: string;
  readonly acn: Acn;
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly clock: Clock;
  /** Overrides config.maxStorageMBs (−1 or undefined = unlimited). */
  readonly maxStorageMBs?: number;
  /** Native per-post primitives (src/app injects libsodium's multiply and node's HMAC); default pure JS. */
  readonly tokenOps?: TokenServerOps;
  /**
   * Commit posts in a worker thread so verifying the next batch overlaps this batch's fsync (post-writer.ts).
   * Needs the compiled build (the worker is a .js file next to this one): server-main and the bench set it.
   */
  readonly commitInWorker?: boolean;
  /** Tests lower it; both ends must agree. */
  readonly powDifficultyBits?: number;
  /** Packed replay for clients that ask (docs/sync-extension.md); default true, false replays as a Go server does. */
  readonly packedReplay?: boolean;
  /** Width of the board's time windows in seconds (docs/sync-extension.md §10); default BOARD_WINDOW_DEFAULT_S. */
  readonly windowS?: number;
  /** Honour Since/Estimate (docs/sync-extension.md §10); default true, false ignores them as a Go server does. */
  readonly timeWindows?: boolean;
  readonly limits?: {
    readonly maxConnections?: number;
    readonly maxPendingHandshakes?: number;
    readonly handshakeTimeoutMs?: number;
    readonly firstRequestTimeoutMs?: number;
    readonly idleTimeoutMs?: number;
    readonly postsPerMinute?: number;
    /** Tests only: the rate window (default one minute), postsPerMinute counted per window. */
    readonly postRateWindowMs?: number;
  };
}

/** The signed bundle for a config (what `cwtch-server bundle` prints). */
export function bundleFor(config: ServerConfig, backend: CryptoBackend): ServerBundle {
  const ts = new TokenServer(config.k);
  return makeServerBundle(config.identity.onion, config.tokenIdentity.onion, ts.publicKey, (m) => sign(backend, config.identity, m));
}

export class CwtchServer {
  readonly stats: ServerStats = { connections: 0, posts: 0, replays: 0, tokensIssued: 0, spendsRejected: 0, invalidPosts: 0 };
  readonly bundle: ServerBundle;
  readonly store: MessageStore;
  /** The worker writer when commitInWorker; otherwise the board's default (commits on this thread). */
  private readonly writer: WorkerPostWriter | undefined;
  private readonly board: TokenBoard;
  private readonly boardSvc: TapirService;
  private readonly tokenSvc: TapirService;
  private readonly tokenServer: TokenServer;

  private constructor(private readonly o: CwtchServerOptions) {
    const { config, backend, random, clock, acn } = o;
    this.tokenServer = new TokenServer(config.k, o.tokenOps);
    this.bundle = bundleFor(config, backend);
    const mb = o.maxStorageMBs ?? config.maxStorageMBs;
    const path = join(o.dataDir, MESSAGES_DB_FILE);
    const maxMessages = mb > 0 ? mb * BOARD_MESSAGES_PER_MB : 0;
    // Opened here first (creates the tables); a worker writer then opens its own connection to the same file.
    this.store = new MessageStore(path, maxMessages, Math.floor(clock.now() / 1000));
    // If the worker dies, it falls back to committing on this connection (post-writer.ts).
    this.writer = o.commitInWorker === true ? new WorkerPostWriter({ path, maxMessages }, undefined, this.store) : undefined;
    const l = o.limits ?? {};
    this.board = new TokenBoard({
      store: this.store,
      writer: this.writer,
      tokenServer: this.tokenServer,
      serverOnion: config.identity.onion,
      clock,
      postsPerMinute: l.postsPerMinute,
      postRateWindowMs: l.postRateWindowMs,
      firstRequestTimeoutMs: l.firstRequestTimeoutMs,
      idleTimeoutMs: l.idleTimeoutMs,
      packedReplay: o.packedReplay,
      windowS: o.windowS,
      timeWindows: o.timeWindows,
      onEvent: (e) => this.count(e),
    });
    this.boardSvc = new TapirService({
      acn,
      identity: config.identity,
      backend,
      random,
      clock,
      maxConnections: l.maxConnections ?? BOARD_MAX_CONNECTIONS,
      maxPendingHandshakes: l.maxPendingHandshakes ?? BOARD_MAX_PENDING_HANDSHAKES,
      handshakeTimeoutMs: l.handshakeTimeoutMs ?? BOARD_HANDSHAKE_TIMEOUT_MS,
    });
    this.tokenSvc = new TapirService({
      acn,
      identity: config.tokenIdentity,
      backend,
      random,
      clock,
      handshakeCapability: TOKEN_SESSION_END,
      handshakeTimeoutMs: TOKEN_SESSION_TIMEOUT_MS,
      maxPendingHandshakes: TOKEN_MAX_PENDING_SESSIONS,
    });
  }

  private countConnections(): void {
    // Ephemeral client identities: counting them is all we do with them.
    this.boardSvc.onStateChange((c) => {
      if (c.state === 'Authenticated') this.stats.connections++;
    });
  }

  private count(e: BoardEvent): void {
    if (e === 'post') this.stats.posts++;
    else if (e === 'replay') this.stats.replays++;
    else if (e === 'spend-rejected') this.stats.spendsRejected++;
    else this.stats.invalidPosts++;
  }

  /** Open storage and start both services; resolves once both listen. */
  static async start(o: CwtchServerOptions): Promise<CwtchServer> {
    const s = new CwtchServer(o);
    s.countConnections();
    try {
      const auth = new AuthApp({ identity: o.config.identity, backend: o.backend, random: o.random });
      await s.boardSvc.listen(new BoardServerApp(auth, s.board));
      await s.tokenSvc.listen(
        tokenServiceChain({
          server: s.tokenServer,
          random: o.random,
          difficultyBits: o.powDifficultyBits,
          onIssued: (n) => (s.stats.tokensIssued += n),
        }),
      );
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  get bundleString(): string {
    return serverBundleString(this.bundle);
  }

  /** Open board connections right now. */
  get openConnections(): number {
    return this.boardSvc.connections().length;
  }

  get syncedConnections(): number {
    return this.board.syncedCount;
  }

  async close(): Promise<void> {
    await this.boardSvc.close();
    await this.tokenSvc.close();
    await this.writer?.close();
    this.store.close();
  }
}
