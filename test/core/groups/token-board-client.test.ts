import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.js';
import { decodeBoardMessage, encodeBoardMessage, encodeEgm, type EncryptedGroupMessage } from '../../../src/core/groups/board-messages.js';
import { PACKED_TAG, encodePackedLive, encodePackedStream } from '../../../src/core/groups/board-packing.js';
import { TokenBoardClient, type SyncInfo } from '../../../src/core/groups/token-board-client.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { BOARD_CLIENT_DEDUP_WINDOW, BOARD_CLIENT_MAX_REPLAY } from '../../../src/core/limits.js';
import { backend, random, scheduler } from '../tapir/helpers.js';

const e = (s: string): EncryptedGroupMessage => ({ ciphertext: utf8(`c-${s}`), signature: utf8(`s-${s}`) });

function pair() {
  const [a, b] = memoryStreamPair({ scheduler });
  const client = new Connection(a, { outbound: true, backend, random, scheduler });
  const server = new Connection(b, { outbound: false, backend, random, scheduler });
  const got: [string, string][] = [];
  const synced: SyncInfo[] = [];
  const bc = new TokenBoardClient(client, {
    lastCommit: utf8('s-2'),
    onMessage: (m, src) => got.push([new TextDecoder().decode(m.signature), src]),
    onSynced: (s) => synced.push(s),
  });
  const done = bc.run();
  return { client, server, bc, got, synced, done };
}

describe('TokenBoardClient against a scripted server', () => {
  it('replays from the last commit, de-duplicates the re-sent message, then goes live', async () => {
    const { server, bc, got, synced, done } = pair();
    const req = decodeBoardMessage((await server.expect())!);
    expect(req.ok && req.value).toEqual({ type: 'replay-request', lastCommit: utf8('s-2'), packing: 1 });
    server.send(encodeBoardMessage({ type: 'replay-result', numMessages: 2, fullResync: false }));
    server.send(encodeEgm(e('2')));
    server.send(encodeEgm(e('3')));
    server.send(encodeBoardMessage({ type: 'new-message', egm: e('3') }));
    server.send(encodeBoardMessage({ type: 'new-message', egm: e('4') }));
    server.send(encodeBoardMessage({ type: 'new-message', egm: e('4') }));
    server.send(utf8('{"MessageType":42}'));
    server.send(encodeBoardMessage({ type: 'new-message', egm: e('5') }));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([
      ['s-3', 'replay'],
      ['s-4', 'live'],
      ['s-5', 'live'],
    ]);
    expect(synced).toEqual([{ replayed: 2, fullResync: false }]);
    expect(bc.synced).toBe(true);
    expect(toHex(bc.lastCommit!)).toBe(toHex(utf8('s-5')));
    server.close();
    await done;
  });

  it('post results resolve in order; a post without a signature is refused locally; close resolves false', async () => {
    const { server, bc, done } = pair();
    await server.expect();
    const token = { t: new Uint8Array(32), r: 1n, W: null };
    expect(() => bc.post(token, e('x'), 'a'.repeat(56) as never)).toThrow(TypeError);
    const { BASEPOINT } = await import('../../../src/core/crypto/ristretto.js');
    const signed = { t: new Uint8Array(32), r: 1n, W: BASEPOINT };
    const noSig = bc.post(signed, { ciphertext: utf8('c'), signature: new Uint8Array(0) }, 'a'.repeat(56) as never);
    expect(noSig.ok ? null : noSig.error.code).toBe('board.bad-post');
    const p1 = bc.post(signed, e('x'), 'a'.repeat(56) as never);
    const p2 = bc.post(signed, e('y'), 'a'.repeat(56) as never);
    const req = decodeBoardMessage((await server.expect())!);
    expect(req.ok && req.value.type).toBe('post-request');
    server.send(encodeBoardMessage({ type: 'post-result', success: true }));
    expect(p1.ok && (await p1.value).accepted).toBe(true);
    server.close();
    expect(p2.ok && (await p2.value).accepted).toBe(false);
    await done;
  });

  it('closes on garbage, on an absurd replay count, and on a malformed replayed EGM', async () => {
    const a = pair();
    await a.server.expect();
    a.server.send(utf8('not json'));
    await a.done;
    expect(a.client.closeCode).toBe('protocol');

    const b = pair();
    await b.server.expect();
    b.server.send(encodeBoardMessage({ type: 'replay-result', numMessages: BOARD_CLIENT_MAX_REPLAY + 1, fullResync: false }));
    await b.done;
    expect(b.client.closeCode).toBe('protocol');

    const c = pair();
    await c.server.expect();
    c.server.send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: true }));
    c.server.send(utf8('{"Ciphertext":"!!"}'));
    await c.done;
    expect(c.client.closeCode).toBe('protocol');
  });
});

describe('TokenBoardClient de-duplication window', () => {
  it('drops a signature seen within the last BOARD_CLIENT_DEDUP_WINDOW and forgets older ones', async () => {
    const [a, b] = memoryStreamPair({ scheduler });
    const client = new Connection(a, { outbound: true, backend, random, scheduler });
    const server = new Connection(b, { outbound: false, backend, random, scheduler });
    const got: string[] = [];
    const bc = new TokenBoardClient(client, { onMessage: (m) => got.push(new TextDecoder().decode(m.signature)) });
    const done = bc.run();
    await server.expect();
    server.send(encodeBoardMessage({ type: 'replay-result', numMessages: 0, fullResync: true }));
    // One more distinct signature than the window holds: s-0 falls out, s-1 … s-W stay remembered.
    const live = async (names: string[]): Promise<void> => {
      for (const n of names) {
        server.send(encodeBoardMessage({ type: 'new-message', egm: e(n) }));
        await server.drained();
      }
      await new Promise((r) => setTimeout(r, 10));
    };
    await live(Array.from({ length: BOARD_CLIENT_DEDUP_WINDOW + 1 }, (_, i) => String(i)));
    expect(got.length).toBe(BOARD_CLIENT_DEDUP_WINDOW + 1);
    await live(['1', String(BOARD_CLIENT_DEDUP_WINDOW), '0', '0']);
    // s-1 and s-W are still known; s-0 was forgotten, so it is delivered once more (and then remembered again).
    expect(got.slice(BOARD_CLIENT_DEDUP_WINDOW + 1)).toEqual(['s-0']);
    server.close();
    await done;
  });
});

describe('TokenBoardClient with transientCiphertext', () => {
  it('delivers the same replayed messages (ciphertexts read during onMessage) as the copying decoder', async () => {
    const [a, b] = memoryStreamPair({ scheduler, chunkSize: 65536 });
    const client = new Connection(a, { outbound: true, backend, random, scheduler });
    const server = new Connection(b, { outbound: false, backend, random, scheduler });
    const got: EncryptedGroupMessage[] = [];
    const bc = new TokenBoardClient(client, {
      transientCiphertext: true,
      onMessage: (m) => got.push({ ciphertext: m.ciphertext.slice(), signature: m.signature }),
    });
    const done = bc.run();
    await server.expect();
    const sent = ['a', 'bb', 'ccc', 'dddd'].map((s) => e(s.repeat(50)));
    server.send(encodeBoardMessage({ type: 'replay-result', numMessages: sent.length, fullResync: true }));
    for (const m of sent) server.send(encodeEgm(m));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(sent);
    expect(bc.synced).toBe(true);
    server.close();
    await done;
  });
});

describe('TokenBoardClient packed replay (docs/sync-extension.md) against a scripted server', () => {
  const sig = (s: string): Uint8Array => {
    const b = new Uint8Array(64);
    b.set(utf8(`s-${s}`));
    return b;
  };
  const pe = (s: string): EncryptedGroupMessage => ({ ciphertext: utf8(`c-${s}`.repeat(40)), signature: sig(s) });
  const name = (m: EncryptedGroupMessage): string => new TextDecoder().decode(m.signature).replace(/\0+$/, '');

  function packedPair(opts: { packedReplay?: boolean; lastCommit?: Uint8Array; transientCiphertext?: boolean } = {}) {
    const [a, b] = memoryStreamPair({ scheduler });
    const client = new Connection(a, { outbound: true, backend, random, scheduler });
    const server = new Connection(b, { outbound: false, backend, random, scheduler });
    const got: [string, string][] = [];
    const bc = new TokenBoardClient(client, { ...opts, onMessage: (m, src) => got.push([name(m), src]) });
    const done = bc.run();
    return { client, server, bc, got, done };
  }

  it('asks, reads the stream (a raw EGM between entries too), de-duplicates and goes live packed', async () => {
    const { server, bc, got, done } = packedPair({ lastCommit: sig('1'), transientCiphertext: true });
    const req = decodeBoardMessage((await server.expect())!);
    expect(req.ok && req.value).toEqual({ type: 'replay-request', lastCommit: sig('1'), packing: 1 });
    server.send(encodeBoardMessage({ type: 'replay-result', numMessages: 5, fullResync: false, packing: 1 }));
    const [p1, p2] = encodePackedStream([pe('1'), pe('2'), pe('3')]).concat(encodePackedStream([pe('5')]));
    server.send(p1!);
    server.send(encodeEgm(pe('4')));
    server.send(p2!);
    // Live: the re-sent last message, then a packed batch and a NewMessage.
    for (const p of encodePackedLive([pe('5'), pe('6'), pe('7')])) server.send(p);
    server.send(encodeBoardMessage({ type: 'new-message', egm: pe('8') }));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([
      ['s-2', 'replay'],
      ['s-3', 'replay'],
      ['s-4', 'replay'],
      ['s-5', 'replay'],
      ['s-6', 'live'],
      ['s-7', 'live'],
      ['s-8', 'live'],
    ]);
    expect(bc.synced).toBe(true);
    expect(name({ signature: bc.lastCommit!, ciphertext: new Uint8Array(0) })).toBe('s-8');
    server.close();
    await done;
  });

  it('a plain client sends Go\'s exact request and ignores a Packing it did not ask for', async () => {
    const { server, client, got, done } = packedPair({ packedReplay: false });
    expect(new TextDecoder().decode((await server.expect())!)).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null}}');
    server.send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false, packing: 1 }));
    server.send(encodeEgm(pe('1')));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([['s-1', 'replay']]);
    // It never reads packed packets.
    server.send(encodePackedLive([pe('2')])[0]!);
    await done;
    expect(client.closeCode).toBe('protocol');
  });

  const hostile: [string, (send: (b: Uint8Array) => void) => void][] = [
    ['a packing version it did not ask for', (send) => send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false, packing: 2 }))],
    [
      'packed packets without a confirmation',
      (send) => {
        send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false }));
        send(encodePackedStream([pe('1')])[0]!);
      },
    ],
    [
      'more messages than announced',
      (send) => {
        send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false, packing: 1 }));
        send(encodePackedStream([pe('1'), pe('2')])[0]!);
      },
    ],
    [
      'an oversize entry',
      (send) => {
        send(encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false, packing: 1 }));
        send(Uint8Array.of(PACKED_TAG, 0xff, 0xff, 1, 2, 3));
      },
    ],
    [
      'a raw EGM inside an entry',
      (send) => {
        send(encodeBoardMessage({ type: 'replay-result', numMessages: 2, fullResync: false, packing: 1 }));
        send(encodePackedStream([pe('1')])[0]!.subarray(0, 40));
        send(encodeEgm(pe('2')));
      },
    ],
    [
      'a live packet that ends inside an entry',
      (send) => {
        send(encodeBoardMessage({ type: 'replay-result', numMessages: 0, fullResync: false, packing: 1 }));
        send(encodePackedStream([pe('1')])[0]!.subarray(0, 40));
      },
    ],
  ];
  for (const [what, script] of hostile) {
    it(`closes the connection on ${what}`, async () => {
      const { server, client, done } = packedPair();
      await server.expect();
      script((b) => server.send(b));
      await done;
      expect(client.closeCode).toBe('protocol');
    });
  }
});
