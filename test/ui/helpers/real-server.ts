// A real Cwtch group server (src/server) in this process, wired as src/app/server-main.ts wires it, on the local
// network. The test plays a hostile operator the way test/app/groups-gaps.test.ts does: by editing the server's own
// SQLite message store (a second connection; the store runs in WAL mode) — deleting a row withholds that message
// from whoever syncs next, inserting it back delivers it late.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { nodePbkdf2, nodeRandom, systemClock } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import { nativeTokenOps } from '../../../src/app/platform/sodium-ristretto.js';
import { fromBase64 } from '../../../src/core/bytes.js';
import { loadOrCreateConfig } from '../../../src/server/config.js';
import { CwtchServer, MESSAGES_DB_FILE, type CwtchServerOptions } from '../../../src/server/server.js';
import { localAcn } from '../../../src/tor/local-acn.js';
import { windowEndOf } from '../../../src/core/groups/sync-window.js';
import { BOARD_WINDOW_DEFAULT_S } from '../../../src/core/limits.js';
import type { MessageStore } from '../../../src/server/message-store.js';

export interface RealServer {
  /** The `server:` bundle people paste. */
  readonly bundle: string;
  /** Remove one message (by its group signature, the messageId the engine reports) from the board. */
  withhold(messageId: string): void;
  /** Put back what `withhold` removed (filed in the window of now, as a late post would be). */
  release(messageId: string): void;
  /** The server's own store: a test fills it with other groups' traffic (MessageStore.commitPosts). */
  readonly store: MessageStore;
  close(): Promise<void>;
}

export async function realServer(root: string, net: string, opts: { readonly limits?: CwtchServerOptions['limits']; readonly dataDir?: string; readonly maxStorageMBs?: number } = {}): Promise<RealServer> {
  const dataDir = join(root, opts.dataDir ?? 'server');
  const { config } = loadOrCreateConfig(dataDir, { backend: sodiumNativeBackend, random: nodeRandom, pbkdf2: nodePbkdf2 });
  const acn = localAcn(net);
  const server = await CwtchServer.start({ config, dataDir, acn, backend: sodiumNativeBackend, random: nodeRandom, clock: systemClock, tokenOps: nativeTokenOps, ...(opts.limits !== undefined ? { limits: opts.limits } : {}), ...(opts.maxStorageMBs !== undefined ? { maxStorageMBs: opts.maxStorageMBs } : {}) });
  const db = new Database(join(dataDir, MESSAGES_DB_FILE));
  const held = new Map<string, { signature: Buffer; ciphertext: Buffer }>();
  const sig = (messageId: string): Buffer => {
    const b = fromBase64(messageId);
    if (b === null) throw new Error('not a base64 group signature');
    return Buffer.from(b);
  };
  return {
    bundle: server.bundleString,
    store: server.store,
    withhold(messageId) {
      const row = db.prepare('SELECT signature, ciphertext FROM messages WHERE signature = ?').get(sig(messageId)) as { signature: Buffer; ciphertext: Buffer } | undefined;
      if (row === undefined) throw new Error('the server does not hold that message');
      db.prepare('DELETE FROM messages WHERE signature = ?').run(row.signature);
      held.set(messageId, row);
    },
    release(messageId) {
      const row = held.get(messageId);
      if (row === undefined) throw new Error('that message was not withheld');
      db.prepare('INSERT INTO messages (signature, ciphertext, window_end) VALUES (?, ?, ?)').run(row.signature, row.ciphertext, windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S));
      held.delete(messageId);
    },
    async close() {
      db.close();
      await server.close();
      await acn.close();
    },
  };
}
