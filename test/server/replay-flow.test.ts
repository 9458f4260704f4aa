// A replay seals no further ahead of the reader than BOARD_REPLAY_HIGH_WATER_BYTES: a client that stops reading
// costs the server a bounded buffer, not the whole table; once it reads again everything arrives, in order.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/app/platform/node-platform.js';
import { decodeBoardMessage, decodeEgm, encodeBoardMessage } from '../../src/core/groups/board-messages.js';
import { BOARD_REPLAY_HIGH_WATER_BYTES, PACKET_SIZE } from '../../src/core/limits.js';
import { memoryStreamPair } from '../../src/core/net/memory-acn.js';
import { TokenServer } from '../../src/core/privacypass/token-server.js';
import { Connection } from '../../src/core/tapir/connection.js';
import { MessageStore } from '../../src/server/message-store.js';
import { TokenBoard } from '../../src/server/token-board.js';
import { backend, random, tempDir } from './helpers.js';

const settle = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
};

describe('replay flow control', () => {
  const t = tempDir('cwtch-replay-flow-');
  afterEach(() => t.cleanup());

  it('stops at the high-water mark while the client does not read, and completes when it does', async () => {
    const store = new MessageStore(join(t.dir, 'm.db'));
    const n = 600; // 600 packets ≈ 4.9 MB, several times the mark
    const sigs: Uint8Array[] = [];
    store.commitPosts(
      Array.from({ length: n }, (_, i) => {
        const signature = random.bytes(64);
        sigs.push(signature);
        return { tokenT: random.bytes(32), signature, ciphertext: random.bytes(100 + (i % 50)) };
      }),
    );
    const board = new TokenBoard({ store, tokenServer: new TokenServer(TokenServer.generateKey(random)), serverOnion: 'a'.repeat(56), clock: systemClock });
    const [x, y] = memoryStreamPair();
    const key = new Uint8Array(32).fill(3);
    const client = new Connection(x, { outbound: true, backend, random });
    const server = new Connection(y, { outbound: false, backend, random });
    client.setEncryptionKey(key);
    server.setEncryptionKey(key);
    const served = board.serve(server);
    client.send(encodeBoardMessage({ type: 'replay-request', lastCommit: null }));
    await settle(200);
    // Unread: the client paused its stream, so what the server sealed waits in the pipe.
    const buffered = server.bufferedBytes;
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThanOrEqual(BOARD_REPLAY_HIGH_WATER_BYTES + 16 * PACKET_SIZE);

    const first = await client.expect();
    const rr = first === null ? null : decodeBoardMessage(first);
    expect(rr?.ok && rr.value).toEqual({ type: 'replay-result', numMessages: n, fullResync: false });
    for (let i = 0; i < n; i++) {
      const m = await client.expectView();
      const e = m === null ? null : decodeEgm(m);
      expect(e?.ok && e.value.signature).toEqual(sigs[i]);
    }
    client.close();
    await served;
    store.close();
  });
});
