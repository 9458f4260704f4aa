// Mute through a real engine: a contact or a group is muted and unmuted, the events say so, and the profile
// remembers it across a restart (with the unread count).

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, got, type Ev } from './client.js';

const world = engineWorld('cwtch-mute-');

describe('mute', () => {
  it('mutes a contact and a group, remembered across a restart with the unread count', async () => {
    let alice = world.start('alice');
    const bob = world.start('bob');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    await alice.call({ cmd: 'add', text: b.onion }, 'contact');
    await bob.call({ cmd: 'add', text: a.onion }, 'contact');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'loud' }, 'group');
    expect(await alice.call({ cmd: 'mute', conversation: b.onion, on: true }, 'contact')).toMatchObject({ onion: b.onion, muted: true });
    expect(await alice.call({ cmd: 'mute', conversation: g.groupId, on: true }, 'group')).toMatchObject({ groupId: g.groupId, muted: true });
    expect((await alice.call({ cmd: 'mute', conversation: 'nowhere', on: true }, 'contact')) as EngineEvent).toMatchObject({ event: 'error', code: 'conversation.unknown' });
    await bob.call({ cmd: 'send', to: a.onion, text: 'psst' }, 'message');
    await got(alice, b.onion, 'psst');

    await world.stop(alice);
    alice = world.start('alice');
    await alice.call({ cmd: 'unlock', password: 'a' }, 'profile');
    const c = (await alice.waitFor((e) => e.event === 'contact' && e.onion === b.onion, 5_000, 'bob')) as Ev<'contact'>;
    expect(c).toMatchObject({ muted: true, unread: 1 });
    expect(await alice.waitFor((e) => e.event === 'group' && e.groupId === g.groupId, 5_000, 'group')).toMatchObject({ muted: true });
    const un = await alice.call({ cmd: 'mute', conversation: b.onion, on: false }, 'contact');
    expect(un.muted).toBeUndefined();
  }, 60_000);
});
