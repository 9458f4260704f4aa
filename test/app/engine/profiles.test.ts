// Several profiles in one engine, through real engines on the local network: two created in one home, each with its
// profileId; a command naming the other profile switches to it first; select-profile switches; delete-profile takes
// the profile offline (its onion is no longer published) and deletes its folder, and a restart opens only the one
// left. Events of the profile that is not active are not emitted.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { profilesDir } from '../../../src/profile/paths.js';
import { engineWorld, got, type Ev } from './client.js';

const world = engineWorld('cwtch-profiles-');
const lastProfiles = (events: readonly EngineEvent[]): Ev<'profiles'> => events.filter((e): e is Ev<'profiles'> => e.event === 'profiles').at(-1)!;

describe('several profiles', () => {
  it('create two, switch by a command\'s profile and by select-profile, delete one', async () => {
    let alice = world.start('alice');
    const bob = world.start('bob');
    const personal = await alice.call({ cmd: 'create-profile', name: 'personal', password: 'pw' }, 'profile');
    const work = await alice.call({ cmd: 'create-profile', name: 'work', password: 'pw' }, 'profile');
    expect(personal.profileId).not.toBe(work.profileId);
    expect(lastProfiles(alice.events).open).toEqual([
      { profileId: personal.profileId, name: 'personal', onion: personal.onion, active: false },
      { profileId: work.profileId, name: 'work', onion: work.onion, active: true },
    ]);
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');

    // Bob's request reaches "personal", which is not active: nothing of it is emitted while "work" is.
    await bob.call({ cmd: 'add', text: personal.onion }, 'contact');
    await bob.waitFor((e) => e.event === 'peer-state' && e.onion === personal.onion && e.state === 'Authenticated', 30_000, 'bob on personal');
    expect(alice.events.some((e) => e.event === 'contact' && e.onion === b.onion)).toBe(false);

    // A command for "personal": it becomes active first, its snapshot (with bob's request) is said, then the accept.
    const mark = alice.events.length;
    const accepted = await alice.call({ cmd: 'accept', onion: b.onion, profile: personal.profileId }, 'contact');
    expect(accepted).toMatchObject({ onion: b.onion, authorization: 'approved' });
    const since = alice.events.slice(mark);
    expect(since.find((e) => e.event === 'profile')).toMatchObject({ profileId: personal.profileId, name: 'personal' });
    expect(since.some((e) => e.event === 'contact' && e.onion === b.onion && e.authorization === 'unknown')).toBe(true);
    expect(lastProfiles(alice.events).open.find((p) => p.active)?.profileId).toBe(personal.profileId);
    await bob.call({ cmd: 'send', to: personal.onion, text: 'hi personal' }, 'message');
    await got(alice, b.onion, 'hi personal');

    // select-profile: back to "work", answered by its profile event with the command's id.
    expect(await alice.call({ cmd: 'select-profile', profile: work.profileId }, 'profile')).toMatchObject({ profileId: work.profileId });
    expect((await alice.call({ cmd: 'select-profile', profile: 'nope' }, 'profile')) as EngineEvent).toMatchObject({ event: 'error', code: 'profile.unknown' });

    // delete-profile "work": offline, its folder gone; "personal" is active again.
    const localNet = world.dir().net;
    expect(existsSync(join(localNet, work.onion))).toBe(true);
    expect(await alice.call({ cmd: 'delete-profile', profile: work.profileId }, 'ok')).toMatchObject({ cmd: 'delete-profile' });
    await alice.waitFor((e) => e.event === 'profiles' && e.open.length === 1, 10_000, 'profiles after delete');
    expect(lastProfiles(alice.events)).toMatchObject({ count: 1, open: [{ profileId: personal.profileId, active: true }] });
    expect(existsSync(join(localNet, work.onion))).toBe(false);
    expect(existsSync(join(profilesDir(alice.peer.home), work.profileId))).toBe(false);
    await bob.call({ cmd: 'send', to: personal.onion, text: 'still here' }, 'message');
    await got(alice, b.onion, 'still here');

    // After a restart the password opens the one left, with its messages.
    await world.stop(alice);
    alice = world.start('alice');
    const again = await alice.call({ cmd: 'unlock', password: 'pw' }, 'profile');
    expect(again.profileId).toBe(personal.profileId);
    expect(lastProfiles(alice.events).open.map((p) => p.name)).toEqual(['personal']);
    const h = await alice.call({ cmd: 'history', conversation: b.onion }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(['hi personal', 'still here']);
  }, 90_000);
});
