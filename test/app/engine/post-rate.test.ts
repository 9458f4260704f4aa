// A group server that rate-limits posts (src/server, in process, 8 posts per 1.5 s window per connection) and real
// engines on the local network: a burst of 40 posts from one member is refused in part, waits as the server says
// (RetryAfterMs), and still arrives whole — every post acked, each received once by the other member, in chain
// order, no false gap — while `post-queue` says why the posts wait.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, type Client } from './client.js';

const world = engineWorld('cwtch-post-rate-', { limits: { postsPerMinute: 8, postRateWindowMs: 1500 } });
const start = (name: string): Client => world.start(name);

describe('posting to a rate-limiting server', () => {
  it('a burst waits out the limit, says so, and arrives whole and in order', async () => {
    const alice = start('alice');
    const bob = start('bob');
    await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'slow' }, 'group');
    const synced = (c: Client) => c.waitFor((e) => e.event === 'server-state' && e.server === g.server && e.state === 'Synced', 30_000, 'synced');
    await synced(alice);
    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await synced(bob);

    const texts = Array.from({ length: 40 }, (_, i) => `slow ${i}`);
    const ids: string[] = [];
    for (const t of texts) ids.push((await alice.call({ cmd: 'send', to: g.groupId, text: t }, 'message')).messageId);
    const acked = (): number => alice.events.filter((e) => e.event === 'ack' && ids.includes(e.messageId)).length;
    await alice.waitFor(() => acked() === texts.length, 60_000, 'every post acked');

    const queue = alice.events.filter((e): e is Extract<EngineEvent, { event: 'post-queue' }> => e.event === 'post-queue');
    const limited = queue.filter((e) => e.waiting === 'rate-limited');
    expect(limited.length).toBeGreaterThan(0);
    for (const e of limited) {
      expect(e.server).toBe(g.server);
      expect(e.queued).toBeGreaterThan(0);
      expect(e.retryAt).toBeGreaterThan(0);
    }
    expect(queue.at(-1)).toMatchObject({ queued: 0, waiting: null });

    const inBob = (): string[] => bob.events.filter((e) => e.event === 'message' && e.conversation === g.groupId).map((e) => (e as { text: string }).text);
    await bob.waitFor(() => inBob().length >= texts.length, 30_000, 'bob has them all');
    expect(inBob()).toEqual(texts);
    expect(bob.events.some((e) => e.event === 'gap')).toBe(false);
    const h = await bob.call({ cmd: 'history', conversation: g.groupId, limit: 100 }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(texts);
  }, 120_000);
});
