// Changing a profile's password through a real engine: a wrong current password is refused and changes nothing;
// the right one re-keys the profile while it stays online (a contact's message arrives right after); after a
// restart only the new password opens it, with its contacts and messages. (Crash safety at every step of the
// re-key is profile-store.ts's, tested with kill -9 in test/profile/crash.test.ts.)

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, got } from './client.js';

const world = engineWorld('cwtch-password-');

describe('change-password', () => {
  it('refuses a wrong current password, re-keys with the right one, and only the new one opens it after a restart', async () => {
    let alice = world.start('alice');
    const bob = world.start('bob');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice', password: 'first-pw' }, 'profile');
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    await alice.call({ cmd: 'add', text: b.onion }, 'contact');
    await bob.call({ cmd: 'add', text: a.onion }, 'contact');
    const hello = await bob.call({ cmd: 'send', to: a.onion, text: 'before' }, 'message');
    await bob.waitFor((e) => e.event === 'ack' && e.messageId === hello.messageId, 30_000, 'ack before');

    expect((await alice.call({ cmd: 'change-password', old: 'nope', new: 'second-pw' }, 'ok')) as EngineEvent).toMatchObject({ event: 'error', code: 'profile.wrong-password' });
    expect(await alice.call({ cmd: 'change-password', old: 'first-pw', new: 'second-pw' }, 'ok')).toMatchObject({ cmd: 'change-password' });
    // Still online on the re-keyed profile.
    const after = await bob.call({ cmd: 'send', to: a.onion, text: 'after the change' }, 'message');
    await got(alice, b.onion, 'after the change');
    await bob.waitFor((e) => e.event === 'ack' && e.messageId === after.messageId, 30_000, 'ack after');

    await world.stop(alice);
    alice = world.start('alice');
    expect((await alice.call({ cmd: 'unlock', password: 'first-pw' }, 'profile')) as EngineEvent).toMatchObject({ event: 'error' });
    await alice.call({ cmd: 'unlock', password: 'second-pw' }, 'profile');
    const h = await alice.call({ cmd: 'history', conversation: b.onion }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(['before', 'after the change']);
  }, 90_000);
});
