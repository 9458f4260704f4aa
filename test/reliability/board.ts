// Board clients for the reliability campaigns: an ephemeral identity connected to a running cwtch-server (child
// process) over the local network, through the real TokenBoardClient; token purchases through the real PoW +
// token app. Also the raw socket to a board's local port, for half-open connections.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRandom as random, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend as backend } from '../../src/app/platform/sodium-native-backend.js';
import { toHex } from '../../src/core/bytes.js';
import { decodeElement } from '../../src/core/crypto/ristretto.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { decodeServerBundle, type ServerBundle } from '../../src/core/groups/bundle.js';
import { TokenBoardClientApp, type SyncInfo, type TokenBoardClient } from '../../src/core/groups/token-board-client.js';
import type { Acn } from '../../src/core/net/acn.js';
import type { Token } from '../../src/core/privacypass/token.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { buyTokens } from '../../src/core/tapir/apps/token-app.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../src/core/tapir/wire-constants.js';
import { TOKEN_MAX_BATCH } from '../../src/core/limits.js';

export { backend, random };

export function parseBundle(s: string): ServerBundle {
  const b = decodeServerBundle(backend, s);
  if (!b.ok) throw new Error(`bad bundle: ${b.error.code}`);
  return b.value;
}

/** The 127.0.0.1 port a local-network listener registered for `onion`. */
export function localPort(netDir: string, onion: string): number {
  return (JSON.parse(readFileSync(join(netDir, onion), 'utf8')) as { port: number }).port;
}

/** One batch of tokens (the largest the server issues), at the server's real PoW difficulty. */
export async function buy(acn: Acn, bundle: ServerBundle, batchSize = TOKEN_MAX_BATCH): Promise<Token[]> {
  const Y = decodeElement(bundle.privacyPassY);
  if (Y === null) throw new Error('bad Y');
  const r = await buyTokens({ acn, tokenService: bundle.tokenService, Y, backend, random, clock: systemClock, batchSize });
  if (!r.ok) throw new Error(`buying tokens failed: ${r.error.code}`);
  return r.value;
}

let seq = 0;
/** A unique EGM the server stores as-is (it never decrypts); `size` bytes of ciphertext. */
export function egm(size: number): EncryptedGroupMessage {
  const signature = random.bytes(64);
  // 8 bytes of a counter make collisions impossible even with a weak RNG.
  new DataView(signature.buffer).setFloat64(0, seq++);
  return { ciphertext: random.bytes(size), signature };
}

export interface Board {
  readonly client: TokenBoardClient;
  readonly svc: TapirService;
  /** Signatures (hex) of every EGM received, replay and live, in order. */
  readonly received: string[];
  readonly synced: Promise<SyncInfo>;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  close(): Promise<void>;
}

/** Connect a fresh ephemeral identity to the board and replay from `lastCommit`; resolves once authenticated. */
export async function connectBoard(acn: Acn, bundle: ServerBundle, lastCommit: Uint8Array | null, authMs = 60_000): Promise<Board> {
  const svc = TapirService.ephemeral({ acn, backend, random, clock: systemClock });
  const received: string[] = [];
  let syncedResolve!: (s: SyncInfo) => void;
  const synced = new Promise<SyncInfo>((r) => (syncedResolve = r));
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  let client: TokenBoardClient | null = null;
  const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend, random }), {
    lastCommit,
    onMessage: (e) => received.push(toHex(e.signature)),
    onSynced: (s) => syncedResolve(s),
    onClient: (c) => (client = c),
  });
  const c = await svc.connect(bundle.server, app);
  if (!c.ok) {
    await svc.close();
    throw new Error(`board connect failed: ${c.error.code}`);
  }
  let isClosed = false;
  c.value.onClose(() => {
    isClosed = true;
    closedResolve();
  });
  const a = await svc.waitForCapabilityOrClose(bundle.server, AUTH_CAPABILITY, authMs);
  if (!a.ok) {
    await svc.close();
    throw new Error(`board auth failed: ${a.error.code}`);
  }
  // onClient runs synchronously right after auth, in the same turn as the capability.
  for (let i = 0; client === null && i < 100; i++) await new Promise((r) => setImmediate(r));
  if (client === null) throw new Error('board client did not start');
  return { client, svc, received, synced, closed, isClosed: () => isClosed, close: () => svc.close() };
}
