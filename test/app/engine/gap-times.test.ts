// Issue 8 (2): "a `gap` event without `beforeTime`". The cause was the timeline's order, not a race in the engine:
// a message after a withheld one was a depth-0 root, and in the same (whole) second as the group's first message
// it sorted before it whenever its signature did — so the gap had nothing before it. Here: real engines, a real
// server withholding one message, posts in quick succession (usually one second), no sleep to separate them.

import { describe, expect, it } from 'vitest';
import type { Client} from './client.js';
import { engineWorld, got, type Ev } from './client.js';

const world = engineWorld('cwtch-gaptimes-');
const start = (name: string): Client => world.start(name);

describe('gap times through the engine', () => {
  it('a withheld message between same-second neighbours: the gap names both, with both times, in chain order; it closes on release', async () => {
    const alice = start('alice');
    const bob = start('bob');
    await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'g' }, 'group');
    const group = g.groupId;
    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await bob.waitFor((e) => e.event === 'server-state' && e.server === g.server && e.state === 'Synced', 30_000, 'bob synced');
    const post = async (text: string): Promise<string> => {
      const m = await alice.call({ cmd: 'send', to: group, text }, 'message');
      await alice.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${text}`);
      return m.messageId;
    };
    const m0 = await post('m0');
    await got(bob, group, 'm0');
    await bob.call({ cmd: 'lowbw', on: true }, 'lowbw');
    await bob.waitFor((e) => e.event === 'server-state' && e.server === g.server && e.state === 'Disconnected', 30_000, 'bob quiet');

    const m1 = await post('m1');
    const m2 = await post('m2');
    const m3 = await post('m3');
    world.server().withhold(m2);
    await bob.call({ cmd: 'sync', server: g.server }, 'ok');
    await got(bob, group, 'm3');
    const gap = (await bob.waitFor((e) => e.event === 'gap', 30_000, 'gap')) as Ev<'gap'>;
    expect(gap).toMatchObject({ group, cause: 'withheld', before: m1, after: m3 });
    expect(gap.beforeTime).toBeTypeOf('number');
    expect(gap.afterTime! - gap.beforeTime!).toBeGreaterThanOrEqual(0);
    const h = await bob.call({ cmd: 'history', conversation: group }, 'history');
    expect(h.messages.map((m) => m.messageId)).toEqual([m0, m1, m3]);

    world.server().release(m2);
    await bob.call({ cmd: 'sync', server: g.server }, 'ok');
    await bob.waitFor((e) => e.event === 'gap-closed' && e.gapId === gap.gapId, 30_000, 'gap closed');
    const h2 = await bob.call({ cmd: 'history', conversation: group }, 'history');
    expect(h2.messages.map((m) => m.messageId)).toEqual([m0, m1, m2, m3]);
  }, 120_000);
});
