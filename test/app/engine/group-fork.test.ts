// fork-group through real engines and a real group server (in process, local network, real encrypted profiles):
// alice forks a group of three; the members who posted and are her contacts are invited to a group with a fresh
// key over 1:1 (through the outbox: carol is offline during the fork and gets it when she is back), they join, and
// the old group stays, read-only, pointing at the new one — also after a restart.

import { describe, expect, it } from 'vitest';
import { engineWorld, got, type Client, type Ev } from './client.js';

const world = engineWorld('cwtch-fork-');
const start = (name: string): Client => world.start(name);
const stop = (c: Client): Promise<void> => world.stop(c);
const synced = (c: Client, srv: string) => c.waitFor((e) => e.event === 'server-state' && e.server === srv && e.state === 'Synced', 30_000, 'synced');

describe('fork-group', () => {
  it('a fresh key for the members, invited 1:1 (one offline, catching up later); the old group read-only with a pointer', async () => {
    const alice = start('alice');
    const bob = start('bob');
    let carol = start('carol');
    const oa = (await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile')).onion;
    const ob = (await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile')).onion;
    const oc = (await carol.call({ cmd: 'create-profile', name: 'carol', password: 'c' }, 'profile')).onion;
    for (const [c, o] of [[bob, ob], [carol, oc]] as const) {
      await alice.call({ cmd: 'add', text: o }, 'contact');
      await c.call({ cmd: 'add', text: oa }, 'contact');
    }
    const old = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'plot' }, 'group');
    await synced(alice, old.server);
    for (const c of [bob, carol]) {
      await c.call({ cmd: 'add', text: old.invite }, 'group');
      await synced(c, old.server);
      const m = await c.call({ cmd: 'send', to: old.groupId, text: `hi from ${c === bob ? 'bob' : 'carol'}` }, 'message');
      await c.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, 'ack');
    }
    await got(alice, old.groupId, 'hi from bob');
    await got(alice, old.groupId, 'hi from carol');

    // Carol is offline when alice forks.
    await stop(carol);
    const fresh = await alice.call({ cmd: 'fork-group', group: old.groupId }, 'group');
    expect(fresh.groupId).not.toBe(old.groupId);
    expect(fresh.server).toBe(old.server);
    expect(fresh.invite).not.toBe(old.invite);
    expect(alice.events.some((e) => e.event === 'group' && e.groupId === old.groupId && e.forkedTo === fresh.groupId)).toBe(true);
    // The old group is read-only now.
    expect((await alice.call({ cmd: 'send', to: old.groupId, text: 'too late' }, 'message')) as unknown).toMatchObject({ event: 'error', code: 'group.read-only' });
    expect((await alice.call({ cmd: 'fork-group', group: old.groupId }, 'group')) as unknown).toMatchObject({ event: 'error', code: 'group.forked' });

    // Bob gets the invite now, carol when she is back; both join the new group and read alice's first post there.
    const inviteFor = (c: Client) => c.waitFor((e) => e.event === 'invite' && e.groupId === fresh.groupId, 30_000, 'invite') as Promise<Ev<'invite'>>;
    const toBob = await inviteFor(bob);
    expect(toBob.from).toBe(oa);
    await bob.call({ cmd: 'add', text: toBob.text }, 'group');
    carol = start('carol');
    await carol.call({ cmd: 'unlock', password: 'c' }, 'profile');
    const toCarol = await inviteFor(carol);
    await carol.call({ cmd: 'add', text: toCarol.text }, 'group');
    await synced(carol, old.server);
    const first = await alice.call({ cmd: 'send', to: fresh.groupId, text: 'new key, same people' }, 'message');
    await alice.waitFor((e) => e.event === 'ack' && e.messageId === first.messageId, 30_000, 'ack in the new group');
    await got(bob, fresh.groupId, 'new key, same people');
    await got(carol, fresh.groupId, 'new key, same people');

    // After a restart the old group is still read-only and points at the new one.
    await stop(alice);
    const alice2 = start('alice');
    await alice2.call({ cmd: 'unlock', password: 'a' }, 'profile');
    await alice2.waitFor((e) => e.event === 'group' && e.groupId === old.groupId && e.forkedTo === fresh.groupId, 10_000, 'old group after restart');
    expect((await alice2.call({ cmd: 'send', to: old.groupId, text: 'still too late' }, 'message')) as unknown).toMatchObject({ event: 'error', code: 'group.read-only' });
  }, 120_000);
});
