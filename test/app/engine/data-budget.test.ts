// The data budget through real engines and a real server (docs/sync-extension.md §11): a low-bandwidth replay that
// reaches the day's budget stops and says so, keeps what came, and after a restart (the count carried on, neither
// lost nor doubled) the next sync asks first with the cost; once confirmed it fetches exactly the rest.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, got, type Client, type Ev } from './client.js';

// A busy server: the posts' own rate limit is not what this test is about.
const world = engineWorld('cwtch-budget-', { limits: { postsPerMinute: 100_000 } });
const FIRST = 5;
const MORE = 150;

const totals = (c: Client): Ev<'bytes'>[] => c.events.filter((e): e is Ev<'bytes'> => e.event === 'bytes' && e.scope === 'total');
const texts = async (c: Client, group: string): Promise<string[]> => (await c.call({ cmd: 'history', conversation: group, limit: 1000 }, 'history')).messages.map((m) => m.text);
const groupMessages = (c: Client, group: string, from = 0): number => c.events.slice(from).filter((e) => e.event === 'message' && e.conversation === group).length;

describe('the data budget', () => {
  it('a replay stops at the budget and says so; the count survives a restart; the next sync asks with the cost, then fetches the rest', async () => {
    const alice = world.start('alice');
    let bob = world.start('bob');
    await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'metered' }, 'group');
    const server = g.server as string;
    const sent: string[] = [];
    // Posted all at once, as a busy group does (the pump buys one large token batch instead of ten small ones).
    const post = async (n: number): Promise<void> => {
      const texts = Array.from({ length: n }, (_, i) => `m${sent.length + i}`);
      sent.push(...texts);
      for (const text of texts) alice.peer.engine.command({ cmd: 'send', to: g.groupId, text });
      const last = (await alice.waitFor((e) => e.event === 'message' && e.conversation === g.groupId && e.text === texts.at(-1), 30_000, 'the last post')) as Ev<'message'>;
      await alice.waitFor((e) => e.event === 'ack' && e.messageId === last.messageId, 60_000, `ack of ${texts.at(-1)!}`);
    };
    await post(FIRST);

    // Bob on a metered link: low-bandwidth, a generous budget; he joins and takes the group's start.
    await bob.call({ cmd: 'lowbw', on: true }, 'lowbw');
    expect(await bob.call({ cmd: 'data-budget', bytesPerDay: 50_000_000 }, 'ok')).toMatchObject({ cmd: 'data-budget' });
    await bob.waitFor((e) => e.event === 'bytes' && e.scope === 'total' && e.budget === 50_000_000, 5_000, 'the total with its budget');
    expect((await bob.call({ cmd: 'data-budget', bytesPerDay: -1 }, 'ok')) as EngineEvent).toMatchObject({ event: 'error', code: 'budget.invalid' });
    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await bob.call({ cmd: 'sync', server, confirm: true }, 'ok');
    await got(bob, g.groupId, `m${FIRST - 1}`);

    // More traffic; Bob's next sync is within the budget, so it asks nothing — until the budget is cut under what
    // he has spent while the replay runs: it stops at the next message that arrives, and says so.
    await post(MORE);
    const before = bob.events.length;
    let cut = false;
    const off = bob.peer.engine.subscribe((e) => {
      if (!cut && e.event === 'message' && e.conversation === g.groupId) {
        cut = true;
        bob.peer.engine.command({ cmd: 'data-budget', bytesPerDay: 1 });
      }
    });
    const stopped = await bob.call({ cmd: 'sync', server }, 'ok');
    off();
    expect(stopped as EngineEvent).toMatchObject({ event: 'error', code: 'sync.over-budget' });
    expect((stopped as unknown as Ev<'error'>).message).toMatch(/data budget/);
    expect(bob.events.slice(before).some((e) => e.event === 'sync-cost')).toBe(false);
    await bob.waitFor((e) => e.event === 'server-state' && e.server === server && e.state === 'Disconnected', 10_000, 'hung up');
    const kept = groupMessages(bob, g.groupId, before);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(MORE);
    expect(await texts(bob, g.groupId)).toEqual(sent.slice(0, FIRST + kept));

    // Restart: the day's count and the budget come back as they were (the last count written, not zero, not twice).
    await new Promise((r) => setTimeout(r, 1200));
    const lastToday = totals(bob).at(-1)!.today!;
    expect(lastToday).toBeGreaterThan(0);
    await world.stop(bob);
    bob = world.start('bob');
    await bob.call({ cmd: 'unlock', password: 'b' }, 'profile');
    const restored = (await bob.waitFor((e) => e.event === 'bytes' && e.scope === 'total', 5_000, 'the total after restart')) as Ev<'bytes'>;
    expect(restored).toMatchObject({ today: lastToday, budget: 1, sent: 0, received: 0 });

    // The next sync asks first, with the server's count of the rest, and fetches nothing.
    const mark = bob.events.length;
    const cost = await bob.call({ cmd: 'sync', server }, 'sync-cost');
    expect(cost).toMatchObject({ server, estimated: true, overBudget: true, budget: 1 });
    expect(cost.today).toBeGreaterThan(lastToday);
    // From the last message kept (inclusive: the board skips the one it already has).
    expect(cost.messages).toBeGreaterThanOrEqual(MORE - kept);
    expect(cost.messages).toBeLessThanOrEqual(MORE - kept + 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(groupMessages(bob, g.groupId, mark)).toBe(0);

    // Yes: past the budget, exactly the rest, in order, nothing twice.
    await bob.call({ cmd: 'sync', server, confirm: true }, 'ok');
    await got(bob, g.groupId, sent.at(-1)!);
    expect(groupMessages(bob, g.groupId, mark)).toBe(MORE - kept);
    expect(await texts(bob, g.groupId)).toEqual(sent);
  }, 180_000);
});
