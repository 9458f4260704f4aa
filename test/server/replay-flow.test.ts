// A replay seals no further ahead of the reader than BOARD_REPLAY_HIGH_WATER_BYTES: a client that stops reading
// costs the server a bounded buffer, not the whole table; once it reads again everything arrives, in order.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { microtaskScheduler, systemClock } from '../../src/app/platform/node-platform.js';
import { decodeBoardMessage, decodeEgm, encodeBoardMessage, postSpendData } from '../../src/core/groups/board-messages.js';
import { Transcript } from '../../src/core/crypto/transcript.js';
import { generateBlindedTokenBatch, spendToken, unblind } from '../../src/core/privacypass/token.js';
import { BOARD_REPLAY_HIGH_WATER_BYTES, PACKET_SIZE, BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';
import { memoryStreamPair } from '../../src/core/net/memory-acn.js';
import { TokenServer } from '../../src/core/privacypass/token-server.js';
import { Connection } from '../../src/core/tapir/connection.js';
import { MessageStore, windowEndOf } from '../../src/server/message-store.js';
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
        return { tokenT: random.bytes(32), signature, ciphertext: random.bytes(100 + (i % 50)), windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S) };
      }),
    );
    const board = new TokenBoard({ store, tokenServer: new TokenServer(TokenServer.generateKey(random)), serverOnion: 'a'.repeat(56), clock: systemClock });
    const [x, y] = memoryStreamPair({ scheduler: microtaskScheduler });
    const key = new Uint8Array(32).fill(3);
    const client = new Connection(x, { outbound: true, backend, random, scheduler: microtaskScheduler });
    const server = new Connection(y, { outbound: false, backend, random, scheduler: microtaskScheduler });
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

describe('live broadcast to a synced client that stopped reading', () => {
  const t = tempDir('cwtch-live-flow-');
  afterEach(() => t.cleanup());

  it('drops it past BOARD_LIVE_MAX_BUFFERED_BYTES instead of buffering every new message for it', async () => {
    const store = new MessageStore(join(t.dir, 'm.db'));
    const tokenServer = new TokenServer(TokenServer.generateKey(random));
    const serverOnion = 'a'.repeat(56);
    const events: Record<string, number> = {};
    const board = new TokenBoard({ store, tokenServer, serverOnion, clock: systemClock, postsPerMinute: 100_000, onEvent: (e) => void (events[e] = (events[e] ?? 0) + 1) });
    const key = new Uint8Array(32).fill(5);
    const pair = (): { client: Connection; served: Promise<void>; server: Connection } => {
      const [x, y] = memoryStreamPair({ scheduler: microtaskScheduler });
      const client = new Connection(x, { outbound: true, backend, random, scheduler: microtaskScheduler });
      const server = new Connection(y, { outbound: false, backend, random, scheduler: microtaskScheduler });
      client.setEncryptionKey(key);
      server.setEncryptionKey(key);
      return { client, server, served: board.serve(server) };
    };
    const stalled = pair();
    const poster = pair();
    for (const c of [stalled, poster]) c.client.send(encodeBoardMessage({ type: 'replay-request', lastCommit: null }));
    await settle(50);
    // The stalled client reads its (empty) replay result, then never reads again.
    expect(await stalled.client.expect()).not.toBeNull();
    // The poster reads everything (its post results and the broadcasts), as a live client does.
    void (async () => {
      while ((await poster.client.expect()) !== null);
    })();
    // Tokens signed by this server, unblinded and spent one per post, as a real client does.
    const { tokens, blinded } = generateBlindedTokenBatch(random, 1000);
    const { signed } = tokenServer.signBlindedTokenBatch(blinded, new Transcript('test'), random);
    tokens.forEach((tk, i) => unblind(tk, signed[i]!));
    let posted = 0;
    for (const tk of tokens) {
      if (stalled.server.closed) break;
      const e = { ciphertext: random.bytes(3000), signature: random.bytes(64) };
      poster.client.send(encodeBoardMessage({ type: 'post-request', token: spendToken(tk, postSpendData(e, serverOnion)), egm: e }));
      posted++;
      // Let the board store and broadcast each batch before sending more (the poster reads nothing either).
      if (posted % 20 === 0) for (let i = 0; i < 500 && (events['post'] ?? 0) < posted; i++) await settle(1);
    }
    await settle(50);
    expect(stalled.server.closed).toBe(true);
    expect(stalled.server.closeCode).toBe('flood');
    // It was cut off near the cap, not after the whole stream.
    expect(posted).toBeLessThan(1000);
    expect(poster.server.closed).toBe(false);
    poster.client.close();
    stalled.client.close();
    await Promise.all([stalled.served, poster.served]);
    store.close();
  });
});
