// Search through a real engine (profile-runtime.ts `search`): any case, in every conversation or one, newest first,
// at most `limit`, with `more` when there were more; empty words and an unknown conversation are clear errors.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, got } from './client.js';

const world = engineWorld('cwtch-search-');

describe('search', () => {
  it('finds messages by their words across conversations and groups, newest first', async () => {
    const alice = world.start('alice');
    const bob = world.start('bob');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    await alice.call({ cmd: 'add', text: b.onion }, 'contact');
    await bob.call({ cmd: 'add', text: a.onion }, 'contact');
    for (const t of ['Picnic on Sunday?', 'bring the BLANKET', 'no picnic if it rains']) {
      const m = await alice.call({ cmd: 'send', to: b.onion, text: t }, 'message');
      await alice.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${t}`);
    }
    await got(bob, a.onion, 'no picnic if it rains');
    const g = await bob.call({ cmd: 'create-group', server: world.server().bundle, name: 'club' }, 'group');
    await bob.waitFor((e) => e.event === 'server-state' && e.state === 'Synced', 30_000, 'synced');
    const gm = await bob.call({ cmd: 'send', to: g.groupId, text: 'the picnic is moved' }, 'message');
    await bob.waitFor((e) => e.event === 'ack' && e.messageId === gm.messageId, 30_000, 'group ack');

    const all = await bob.call({ cmd: 'search', text: 'PICNIC' }, 'search');
    expect(all.results.map((h) => h.text)).toEqual(['the picnic is moved', 'no picnic if it rains', 'Picnic on Sunday?']);
    expect(all.results.map((h) => h.conversation)).toEqual([g.groupId, a.onion, a.onion]);
    expect(all.results[1]).toMatchObject({ from: a.onion });
    expect(all.more).toBe(false);
    const one = await bob.call({ cmd: 'search', text: 'picnic', conversation: a.onion, limit: 1 }, 'search');
    expect(one.results.map((h) => h.text)).toEqual(['no picnic if it rains']);
    expect(one.more).toBe(true);
    expect((await bob.call({ cmd: 'search', text: 'blanket' }, 'search')).results).toHaveLength(1);
    expect((await bob.call({ cmd: 'search', text: 'umbrella' }, 'search')).results).toEqual([]);
    expect((await bob.call({ cmd: 'search', text: '   ' }, 'search')) as EngineEvent).toMatchObject({ event: 'error', code: 'search.empty' });
    expect((await bob.call({ cmd: 'search', text: 'x', conversation: 'nowhere' }, 'search')) as EngineEvent).toMatchObject({ event: 'error', code: 'conversation.unknown' });
  }, 60_000);
});
