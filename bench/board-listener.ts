// A token-board client for benches: a fresh ephemeral identity on `acn`, every byte it receives counted by the
// engine's own byte meter (what a member pays for), each replayed or pushed EGM handed to `onMessage`.

import { ByteMeter, countingAcn } from '../src/app/engine/byte-meter.js';
import { nodeRandom, systemClock } from '../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../src/app/platform/sodium-native-backend.js';
import type { EncryptedGroupMessage } from '../src/core/groups/board-messages.js';
import { TokenBoardClientApp, type SyncInfo, type TokenBoardClient, type TokenBoardClientOptions } from '../src/core/groups/token-board-client.js';
import type { Acn } from '../src/core/net/acn.js';
import { AuthApp } from '../src/core/tapir/apps/auth-app.js';
import { TapirService } from '../src/core/tapir/service.js';
import type { CwtchServer } from '../src/server/server.js';

export interface Listener {
  readonly client: TokenBoardClient;
  /** Bytes received so far (handshake included). */
  readonly rx: () => number;
  /** Messages handed to onMessage so far. */
  readonly received: () => number;
  readonly synced: Promise<SyncInfo>;
  close(): Promise<void>;
}

/** Connects and resolves once the replay is done (Synced). */
export async function listen(
  acn: Acn,
  // Only its address: the server may be a separate process (bench/suites/scale.ts).
  server: Pick<CwtchServer, 'bundle'>,
  opts: Pick<TokenBoardClientOptions, 'packedReplay' | 'since'> & { readonly onMessage?: (egm: EncryptedGroupMessage) => void } = {},
): Promise<Listener> {
  const backend = sodiumNativeBackend;
  const meter = new ByteMeter(systemClock, () => undefined);
  const counted = countingAcn(acn, meter, () => ({ scope: 'server', key: 'board' }));
  const svc = TapirService.ephemeral({ acn: counted, backend, random: nodeRandom, clock: systemClock });
  let n = 0;
  let client: TokenBoardClient | null = null;
  let onSynced!: (s: SyncInfo) => void;
  const synced = new Promise<SyncInfo>((r) => (onSynced = r));
  const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend, random: nodeRandom }), {
    ...(opts.packedReplay !== undefined ? { packedReplay: opts.packedReplay } : {}),
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    transientCiphertext: true,
    onMessage: (egm) => {
      n++;
      opts.onMessage?.(egm);
    },
    onSynced: (s) => onSynced(s),
    onClient: (c) => (client = c),
  });
  const c = await svc.connect(server.bundle.server, app);
  if (!c.ok) throw new Error('connect failed');
  await synced;
  return {
    client: client!,
    rx: () => meter.get('total', 'total').received,
    received: () => n,
    synced,
    close: async () => {
      meter.close();
      await svc.close();
    },
  };
}

export async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
