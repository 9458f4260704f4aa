// Server memory against a client that asks for a replay and then stops reading (found by the load campaign: the
// server's RSS rose in steps at each fresh replay). The board sends the replay in batches of BOARD_REPLAY_BATCH with
// only a turn of the event loop in between, and Connection.send → socketStream.write ignore socket backpressure, so
// everything the kernel does not take is buffered in the server process: 8 KiB per stored message (Tapir packets
// are fixed-size) for as long as the client keeps the connection open. One ephemeral client can make the server
// hold (stored messages × 8 KiB); the same applies to live broadcasts to a synced connection that does not read.
// Needs `npm run build`.

import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodePbkdf2 } from '../../src/app/platform/node-platform.js';
import type { Acn, Stream } from '../../src/core/net/acn.js';
import { loadOrCreateConfig } from '../../src/server/config.js';
import { MessageStore, windowEndOf } from '../../src/server/message-store.js';
import { MESSAGES_DB_FILE } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { ServerProc } from '../app/helpers/server-proc.js';
import { backend, connectBoard, parseBundle, random } from './board.js';
import { rssMiB, sleep } from './lib.js';

const STORED = 20_000; // × 8 KiB on the wire ≈ 160 MiB
/** Our bound: what a stalled client may cost the server, MiB (a few replay batches of 8 KiB packets). */
const STALLED_CLIENT_BOUND_MIB = 48;

const root = mkdtempSync(join(tmpdir(), 'cwtch-stalled-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a client that stops reading during its replay', () => {
  // Was a bug (the server buffered the whole replay for a client that does not read); fixed by replay flow control
  // (BOARD_REPLAY_HIGH_WATER_BYTES) and dropping live readers past BOARD_LIVE_MAX_BUFFERED_BYTES.
  it('costs the server a bounded amount of memory', async () => {
    const dataDir = join(root, 'server');
    loadOrCreateConfig(dataDir, { backend, random, pbkdf2: nodePbkdf2 });
    const store = new MessageStore(join(dataDir, MESSAGES_DB_FILE));
    for (let i = 0; i < STORED; i += 5000) {
      store.commitPosts(Array.from({ length: 5000 }, () => ({ tokenT: random.bytes(32), signature: random.bytes(64), ciphertext: random.bytes(200), windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S) })));
    }
    store.close();
    const net = join(root, 'net');
    const server = await ServerProc.start(net, dataDir);
    const inner = localAcn(net);
    const streams: Stream[] = [];
    const acn: Acn = {
      ...inner,
      dial: async (onion) => {
        const s = await inner.dial(onion);
        streams.push(s);
        return s;
      },
    };
    try {
      await sleep(500);
      const before = rssMiB(server.pid)!;
      const b = await connectBoard(acn, parseBundle(server.bundle), null);
      // The replay request is out; from now on we read nothing.
      for (const s of streams) s.pause?.();
      await sleep(4000);
      const after = rssMiB(server.pid)!;
      await b.close();
      expect(after - before).toBeLessThan(STALLED_CLIENT_BOUND_MIB);
    } finally {
      await inner.close();
      await server.stop();
    }
  }, 60_000);
});
