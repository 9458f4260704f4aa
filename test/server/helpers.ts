// Shared setup for server tests: a server in-process on some ACN, and board clients with ephemeral identities.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../src/core/bytes.js';
import type { Acn } from '../../src/core/net/acn.js';
import type { Clock } from '../../src/core/ports.js';
import { elementFromBase64 } from '../../src/core/crypto/ristretto.js';
import { decodeElement } from '../../src/core/crypto/ristretto.js';
import type { Token } from '../../src/core/privacypass/token.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { buyTokens } from '../../src/core/tapir/apps/token-app.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../src/core/tapir/wire-constants.js';
import type { TokenBoardClient, TokenBoardClientOptions } from '../../src/core/groups/token-board-client.js';
import { TokenBoardClientApp, type SyncInfo } from '../../src/core/groups/token-board-client.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import type { ServerBundle } from '../../src/core/groups/bundle.js';
import { ByteMeter, countingAcn } from '../../src/app/engine/byte-meter.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { loadOrCreateConfig } from '../../src/server/config.js';
import { CwtchServer, type CwtchServerOptions } from '../../src/server/server.js';

export const backend = sodiumNativeBackend;
export const random = nodeRandom;
export const deps = { backend, random, pbkdf2: nodePbkdf2 };
/** Low PoW difficulty for tests that are not about the PoW (the 16-bit default is tested in test/core/privacypass). */
export const TEST_POW_BITS = 4;

export function tempDir(prefix = 'cwtch-server-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(
  acn: Acn,
  dataDir: string,
  extra: Partial<CwtchServerOptions> = {},
): Promise<CwtchServer> {
  const { config } = loadOrCreateConfig(dataDir, deps);
  return CwtchServer.start({ config, dataDir, acn, backend, random, clock: systemClock, powDifficultyBits: TEST_POW_BITS, ...extra });
}

export function bundleY(b: ServerBundle) {
  return decodeElement(b.privacyPassY)!;
}

export async function tokensFrom(acn: Acn, bundle: ServerBundle, clock: Clock = systemClock): Promise<Token[]> {
  const r = await buyTokens({ acn, tokenService: bundle.tokenService, Y: bundleY(bundle), backend, random, clock, difficultyBits: TEST_POW_BITS });
  if (!r.ok) throw new Error(`buying tokens failed: ${r.error.code}`);
  return r.value;
}

export interface BoardHandle {
  readonly client: TokenBoardClient;
  readonly received: EncryptedGroupMessage[];
  readonly sources: ('replay' | 'live')[];
  readonly synced: Promise<SyncInfo>;
  readonly svc: TapirService;
  close(): Promise<void>;
}

/** Connect an ephemeral identity to the board and start a replay from `lastCommit`. */
export async function connectBoard(
  acn: Acn,
  bundle: ServerBundle,
  lastCommit: Uint8Array | null = null,
  opts: Pick<TokenBoardClientOptions, 'packedReplay' | 'since' | 'onEstimate' | 'onReplayResult'> = {},
): Promise<BoardHandle> {
  const svc = TapirService.ephemeral({ acn, backend, random, clock: systemClock });
  const received: EncryptedGroupMessage[] = [];
  const sources: ('replay' | 'live')[] = [];
  let resolveSynced!: (s: SyncInfo) => void;
  const synced = new Promise<SyncInfo>((r) => (resolveSynced = r));
  let client: TokenBoardClient | null = null;
  const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend, random }), {
    lastCommit,
    ...opts,
    onMessage: (egm, src) => {
      received.push(egm);
      sources.push(src);
    },
    onSynced: (s) => resolveSynced(s),
    onClient: (c) => (client = c),
  });
  const c = await svc.connect(bundle.server, app);
  if (!c.ok) throw new Error(`connect failed: ${c.error.code}`);
  const a = await svc.waitForCapabilityOrClose(bundle.server, AUTH_CAPABILITY, 10_000);
  if (!a.ok) throw new Error('board auth failed');
  await until(() => client !== null);
  return { client: client!, received, sources, synced, svc, close: () => svc.close() };
}

let counter = 0;
/** A fake EGM with a unique 64-byte signature (the server never decrypts). */
export function egm(text = `m${counter}`): EncryptedGroupMessage {
  const sig = new Uint8Array(64);
  sig.set(utf8(`sig-${counter++}-${text}`).subarray(0, 64));
  sig.set(random.bytes(16), 48);
  return { ciphertext: random.bytes(200), signature: sig };
}

export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export { elementFromBase64 };

/** `acn` with the bytes every dialled stream receives counted by the engine's own meter (what a client pays for). */
export function tapAcn(acn: Acn): { readonly acn: Acn; rx(): number } {
  const meter = new ByteMeter(systemClock, () => undefined);
  return { acn: countingAcn(acn, meter, () => ({ scope: 'server', key: 'board' })), rx: () => meter.get('total', 'total').received };
}
