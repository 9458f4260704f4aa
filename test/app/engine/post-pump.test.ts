// The post queue's one consumer (src/app/engine/post-pump.ts) against a scripted board behind the real `post`
// interface (TokenBoardClient.post is the real implementation, driven end to end in groups-burst.test.ts and
// post-rate.test.ts). The board answers posts in order, as a real one does; the clock is a test clock.
// Properties over any mix of answers: every post is accepted exactly once, never more than the window in flight,
// a refusal for rate re-sends with the same token and any other refusal with a fresh one, and a board that keeps
// refusals sticky (as ours does) gets the posts in queue order.

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PostPump, type PostQueueStatus } from '../../../src/app/engine/post-pump.js';
import type { EncryptedGroupMessage } from '../../../src/core/groups/board-messages.js';
import type { PostOutcome } from '../../../src/core/groups/token-board-client.js';
import type { Token } from '../../../src/core/privacypass/token.js';
import { ok } from '../../../src/core/result.js';
import { FakeClock } from '../../core/tapir/helpers.js';

type Answer = 'accept' | 'rate' | 'refuse';

interface Sent {
  readonly key: string;
  readonly token: Token;
  readonly resolve: (o: PostOutcome) => void;
}

/** A board and a token wallet for one pump. */
function world(opts: { window?: number; tokensInHand?: number; batch?: number; buyFails?: number } = {}) {
  const clock = new FakeClock();
  let nextToken = 0;
  const wallet: Token[] = [];
  const mint = (n: number): void => {
    for (let i = 0; i < n; i++) wallet.push({ t: Uint8Array.of(nextToken & 255, nextToken++ >> 8), r: 0n, W: null } as unknown as Token);
  };
  mint(opts.tokensInHand ?? 0);
  const outstanding: Sent[] = [];
  const arrivals: { key: string; token: Token }[] = [];
  const statuses: PostQueueStatus[] = [];
  const pending = new Set<string>();
  let purchases = 0;
  const buySizes: number[] = [];
  let buyFails = opts.buyFails ?? 0;
  let maxInFlight = 0;
  const held = new Map<string, Token>();
  const pump = new PostPump({
    clock,
    window: opts.window ?? 4,
    post: (token, egm) => {
      const key = new TextDecoder().decode(egm.signature);
      arrivals.push({ key, token });
      return ok(
        new Promise<PostOutcome>((resolve) => {
          outstanding.push({ key, token, resolve });
          maxInFlight = Math.max(maxInFlight, outstanding.length);
        }),
      );
    },
    takeToken: () => wallet.shift() ?? null,
    unspentTokens: () => wallet.length,
    buyTokens: async (wanted) => {
      buySizes.push(wanted);
      purchases++;
      if (buyFails > 0) {
        buyFails--;
        return false;
      }
      mint(opts.batch ?? 3);
      return true;
    },
    isPending: (k) => pending.has(k),
    heldTokens: held,
    onStatus: (s) => void statuses.push(s),
    log: () => {},
  });
  const egm = (key: string): EncryptedGroupMessage => ({ ciphertext: Uint8Array.of(1), signature: new TextEncoder().encode(key) });
  return {
    clock,
    pump,
    arrivals,
    statuses,
    outstanding,
    pending,
    held,
    buySizes,
    get purchases() {
      return purchases;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    queue(keys: string[]): void {
      for (const k of keys) pending.add(k);
      pump.add(keys.map((key) => ({ key, egm: egm(key) })));
    },
    /** Answer the oldest outstanding post (the board answers in order); lets promise callbacks run. */
    async answer(a: Answer | PostOutcome): Promise<Sent | undefined> {
      const s = outstanding.shift();
      if (s === undefined) return undefined;
      s.resolve(typeof a === 'object' ? a : a === 'accept' ? { accepted: true } : a === 'rate' ? { accepted: false, closed: false, retryAfterMs: 2_000 } : { accepted: false, closed: false });
      if (a === 'accept') pending.delete(s.key); // its echo acks it
      await flush();
      return s;
    },
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`);

describe('PostPump', () => {
  it('sends in queue order up to the window, buying tokens as it runs out, and keeps going until all are accepted', async () => {
    const w = world({ window: 4, batch: 3 });
    w.queue(keys(10));
    await flush();
    for (let i = 0; i < 40 && w.pending.size > 0; i++) {
      if ((await w.answer('accept')) === undefined) {
        w.clock.advance(0); // a purchase is decided a turn later
        await flush();
      }
    }
    expect(w.pending.size).toBe(0);
    expect(w.arrivals.map((a) => a.key)).toEqual(keys(10));
    expect(w.maxInFlight).toBeLessThanOrEqual(4);
    expect(w.purchases).toBeGreaterThanOrEqual(4); // 10 posts, 3 tokens a purchase
    expect(w.statuses.at(-1)).toEqual({ queued: 0, waiting: null });
  });

  it('a refusal for rate: waits as told, then re-sends the refused posts in order with the tokens they had', async () => {
    const w = world({ window: 3, tokensInHand: 10 });
    w.queue(keys(5));
    await flush();
    await w.answer('accept'); // p000
    const refused = [await w.answer('rate'), await w.answer('rate'), await w.answer('rate')]; // p001..p003 (p003 sent after p000's answer)
    expect(refused.map((s) => s!.key)).toEqual(['p001', 'p002', 'p003']);
    expect(w.statuses.at(-1)).toMatchObject({ waiting: 'rate-limited', retryAt: 2_000, queued: 4 });
    const before = w.arrivals.length;
    w.clock.advance(1_999);
    await flush();
    expect(w.arrivals.length).toBe(before); // nothing before the wait is over
    w.clock.advance(1);
    await flush();
    const again = w.arrivals.slice(before);
    expect(again.map((a) => a.key)).toEqual(['p001', 'p002', 'p003']);
    // The same tokens: the server did not spend them.
    expect(again.map((a) => a.token)).toEqual(refused.map((s) => s!.token));
  });

  it('any other refusal drops the token (it may be spent), backs off, and re-sends with a fresh one', async () => {
    const w = world({ window: 1, tokensInHand: 5 });
    w.queue(['a']);
    await flush();
    const first = await w.answer('refuse');
    expect(w.statuses.at(-1)).toMatchObject({ waiting: 'refused', queued: 1 });
    w.clock.advance(1_000);
    await flush();
    expect(w.arrivals).toHaveLength(2);
    expect(w.arrivals[1]!.token).not.toBe(first!.token);
  });

  it('a connection lost with posts in flight keeps their tokens for the next connection', async () => {
    const w = world({ window: 2, tokensInHand: 5 });
    w.queue(['x', 'y']);
    await flush();
    const sent = [...w.outstanding];
    for (let i = 0; i < 2; i++) await w.answer({ accepted: false, closed: true });
    w.pump.stop();
    // ServerSync hands the same map to the next connection's pump, which sends each post with its kept token.
    expect([...w.held]).toEqual(sent.map((s) => [s.key, s.token]));
  });

  it('a post no longer pending (acked by a replay, or its group left) is never sent', async () => {
    const w = world({ window: 4, tokensInHand: 5 });
    w.pending.add('gone');
    w.pending.delete('gone');
    w.pump.add([{ key: 'gone', egm: { ciphertext: Uint8Array.of(1), signature: new TextEncoder().encode('gone') } }]);
    w.queue(['kept']);
    await flush();
    expect(w.arrivals.map((a) => a.key)).toEqual(['kept']);
  });

  it('a burst queued in one go is bought for in one purchase sized for all of it', async () => {
    const w = world({ window: 4, batch: 100 });
    for (const k of keys(50)) w.queue([k]); // one at a time, as sends arrive
    w.clock.advance(0);
    await flush();
    expect(w.buySizes).toEqual([50]);
  });

  it('a failed purchase with no tokens left says so and tries again after a pause', async () => {
    const w = world({ window: 4, buyFails: 1, batch: 2 });
    w.queue(['a']);
    w.clock.advance(0);
    await flush();
    expect(w.statuses.at(-1)).toMatchObject({ waiting: 'tokens', queued: 1 });
    expect(w.arrivals).toHaveLength(0);
    w.clock.advance(1_000);
    await flush();
    w.clock.advance(0);
    await flush();
    expect(w.arrivals.map((a) => a.key)).toEqual(['a']);
  });

  test.prop([fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 8 }), fc.array(fc.constantFrom<Answer>('accept', 'accept', 'rate', 'refuse'), { maxLength: 200 }), fc.boolean()], { numRuns: 200 })(
    'any answers: every post accepted exactly once, the window kept, tokens re-used only after a rate refusal; a sticky board keeps queue order',
    async (n, window, script, sticky) => {
      const w = world({ window, tokensInHand: 2, batch: 3 });
      w.queue(keys(n));
      await flush();
      const accepted: string[] = [];
      const tokenUses = new Map<Token, { key: string; after: Answer }[]>();
      let i = 0;
      let stickyRefusing = false;
      for (let steps = 0; steps < 5_000 && w.pending.size > 0; steps++) {
        if (w.outstanding.length === 0) {
          w.clock.advance(60_000); // every pause over
          stickyRefusing = false;
          await flush();
          continue;
        }
        // A sticky board refuses everything behind a refusal until the client has paused; answers run out → accept.
        let a: Answer = i < script.length ? script[i++]! : 'accept';
        if (sticky && stickyRefusing) a = 'rate';
        if (sticky && a === 'rate') stickyRefusing = true;
        const s = (await w.answer(a))!;
        const uses = tokenUses.get(s.token) ?? [];
        uses.push({ key: s.key, after: a });
        tokenUses.set(s.token, uses);
        if (a === 'accept') accepted.push(s.key);
      }
      expect(w.pending.size).toBe(0);
      expect([...accepted].sort()).toEqual(keys(n));
      expect(w.maxInFlight).toBeLessThanOrEqual(window);
      for (const uses of tokenUses.values()) {
        // A token goes with one post only, and is shown again only after a refusal for rate.
        expect(new Set(uses.map((u) => u.key)).size).toBe(1);
        uses.slice(0, -1).forEach((u) => expect(u.after).toBe('rate'));
      }
      if (sticky && !script.includes('refuse')) expect(accepted).toEqual(keys(n));
    },
  );
});
