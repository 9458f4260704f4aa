// The board client's side of time windows (docs/sync-extension.md §10) against a scripted, hostile server: each
// answer that would skip what we asked for, or send what we did not ask for, closes the connection.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { decodeBoardMessage, encodeBoardMessage, encodeEgm, type BoardMessage } from '../../../src/core/groups/board-messages.js';
import { TokenBoardClient, type ReplayEstimate, type TokenBoardClientOptions } from '../../../src/core/groups/token-board-client.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { backend, random, scheduler } from '../tapir/helpers.js';

const SINCE = 1_764_979_200;

function pair(opts: Partial<TokenBoardClientOptions>) {
  const [a, b] = memoryStreamPair({ scheduler });
  const client = new Connection(a, { outbound: true, backend, random, scheduler });
  const server = new Connection(b, { outbound: false, backend, random, scheduler });
  const got: string[] = [];
  const reasons: string[] = [];
  client.onClose((r) => reasons.push(r));
  const bc = new TokenBoardClient(client, { onMessage: (m) => got.push(new TextDecoder().decode(m.signature)), ...opts });
  const done = bc.run();
  const request = async (): Promise<BoardMessage> => {
    const r = decodeBoardMessage((await server.expect())!);
    if (!r.ok) throw new Error('bad request');
    return r.value;
  };
  return { client, server, got, reasons, done, request };
}

const result = (m: Partial<Extract<BoardMessage, { type: 'replay-result' }>>) => encodeBoardMessage({ type: 'replay-result', numMessages: 1, fullResync: false, ...m });

describe('TokenBoardClient with a Since and an estimate', () => {
  it('asks with its Since and for an estimate, then for the replay once told to go', async () => {
    const estimates: ReplayEstimate[] = [];
    const p = pair({ since: SINCE, onEstimate: (e) => (estimates.push(e), true) });
    expect(await p.request()).toEqual({ type: 'replay-request', lastCommit: null, packing: 1, since: SINCE, estimate: true });
    p.server.send(result({ since: SINCE - 3600, window: 3600, estimate: true, packets: 1, packing: 1 }));
    expect(await p.request()).toEqual({ type: 'replay-request', lastCommit: null, packing: 1, since: SINCE });
    expect(estimates).toEqual([{ replayed: 1, fullResync: false, since: SINCE - 3600, packets: 1, packed: true }]);
    p.server.send(result({ since: SINCE - 3600, window: 3600 }));
    p.server.send(encodeEgm({ ciphertext: utf8('c'), signature: utf8('s-1') }));
    await new Promise((r) => setTimeout(r, 20));
    expect(p.got).toEqual(['s-1']);
    expect(p.client.closed).toBe(false);
    p.server.close();
    await p.done;
  });

  const hostile: [string, Partial<TokenBoardClientOptions>, Uint8Array[]][] = [
    ['a window start after the Since asked for (it would skip messages we need)', { since: SINCE }, [result({ since: SINCE + 1, window: 3600 })]],
    ['an estimate nobody asked for', { since: SINCE }, [result({ estimate: true, packets: 1 })]],
    ['an estimate that does not say its packets', { onEstimate: () => true }, [utf8('{"MessageType":1,"ReplayResult":{"NumMessages":1,"Estimate":true}}')]],
    ['a second estimate', { onEstimate: () => true }, [result({ estimate: true, packets: 1 }), result({ estimate: true, packets: 1 })]],
    ['messages right after the estimate, before we asked for them', { onEstimate: () => true }, [result({ estimate: true, packets: 1 }), encodeEgm({ ciphertext: utf8('c'), signature: utf8('s') })]],
  ];
  for (const [name, opts, packets] of hostile) {
    it(`closes the connection on ${name}`, async () => {
      const p = pair(opts);
      await p.request();
      for (const pkt of packets) p.server.send(pkt);
      await p.done;
      expect(p.reasons).toEqual(['protocol']);
      expect(p.got).toEqual([]);
    });
  }

  it('an estimate declined hangs up (local); a window start before our Since is more than we asked: fine', async () => {
    const p = pair({ since: SINCE, onEstimate: () => false });
    await p.request();
    p.server.send(result({ since: 0, window: 60, estimate: true, packets: 9 }));
    await p.done;
    expect(p.reasons).toEqual(['local']);
  });

  it('a server that does not estimate (Go) replays at once: that is the replay, decided by onReplayResult', async () => {
    let estimated = false;
    const infos: unknown[] = [];
    const p = pair({ since: SINCE, onEstimate: () => (estimated = true), onReplayResult: (i) => (infos.push(i), true) });
    await p.request();
    // A Go server ignores Since and Estimate: no members back.
    p.server.send(result({}));
    p.server.send(encodeEgm({ ciphertext: utf8('c'), signature: utf8('s-1') }));
    await new Promise((r) => setTimeout(r, 20));
    expect(estimated).toBe(false);
    expect(infos).toEqual([{ replayed: 1, fullResync: false }]);
    expect(p.got).toEqual(['s-1']);
    p.server.close();
    await p.done;
  });
});
