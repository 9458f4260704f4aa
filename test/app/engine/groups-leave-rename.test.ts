// Issue 8: leave a group, rename a contact or a group — through real engines (wired as main.ts wires them) and a
// real group server (src/server, in process), all on the local network in a scratch folder.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { decodePaste } from '../../../src/core/paste.js';
import type { Client} from './client.js';
import { engineWorld, got, type Ev } from './client.js';

const world = engineWorld('cwtch-leave-');
const start = (name: string): Client => world.start(name);

describe('leave-group and rename through the engine', () => {
  it('a member leaves: gone from the profile (also after a restart), undecryptable to it, its server sync stops when unused; others go on; the invite works again', async () => {
    const alice = start('alice');
    const bob = start('bob');
    const carol = start('carol');
    await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    await carol.call({ cmd: 'create-profile', name: 'carol', password: 'c' }, 'profile');
    const g1 = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'one' }, 'group');
    const g2 = await alice.call({ cmd: 'create-group', server: g1.server, name: 'two' }, 'group');
    const srv = g1.server;
    const synced = (c: Client) => c.waitFor((e) => e.event === 'server-state' && e.server === srv && e.state === 'Synced', 30_000, 'synced');
    await synced(alice);
    expect(await bob.call({ cmd: 'add', text: g1.invite }, 'group')).toMatchObject({ groupId: g1.groupId });
    expect(await bob.call({ cmd: 'add', text: g2.invite }, 'group')).toMatchObject({ groupId: g2.groupId });
    expect(await carol.call({ cmd: 'add', text: g1.invite }, 'group')).toMatchObject({ groupId: g1.groupId });
    await Promise.all([synced(bob), synced(carol)]);

    const post = async (group: string, text: string): Promise<void> => {
      const m = await alice.call({ cmd: 'send', to: group, text }, 'message');
      await alice.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${text}`);
    };
    await post(g1.groupId, 'before');
    await got(carol, g1.groupId, 'before');
    await got(bob, g1.groupId, 'before');

    // Bob leaves group one; group two keeps his connection to the server.
    expect(await bob.call({ cmd: 'leave-group', group: g1.groupId }, 'group-left')).toMatchObject({ event: 'group-left', groupId: g1.groupId });
    expect((await bob.call({ cmd: 'history', conversation: g1.groupId }, 'history')) as EngineEvent).toMatchObject({ event: 'error', code: 'conversation.unknown' });
    expect((await bob.call({ cmd: 'send', to: g1.groupId, text: 'x' }, 'message')) as EngineEvent).toMatchObject({ event: 'error' });
    const bobBytes = bob.peer.engine.meter.get('server', srv).received;

    // Alice posts to group one, then a marker to group two. The server sends Bob both, in that order: the marker
    // arrives, the post never opens (no key), and Carol still gets it.
    await post(g1.groupId, 'after bob left');
    await post(g2.groupId, 'marker');
    await got(bob, g2.groupId, 'marker');
    await got(carol, g1.groupId, 'after bob left');
    expect(bob.events.some((e) => e.event === 'message' && e.conversation === g1.groupId && e.text !== 'before')).toBe(false);
    expect(bob.events.filter((e) => e.event === 'error' && e.id === undefined)).toEqual([]);
    expect(bob.peer.engine.meter.get('server', srv).received).toBeGreaterThan(bobBytes); // it did come down the wire

    // Carol leaves her only group on that server: her sync for it stops (nothing more comes from the server).
    await carol.call({ cmd: 'leave-group', group: g1.groupId }, 'group-left');
    const carolBytes = carol.peer.engine.meter.get('server', srv).received;
    await post(g1.groupId, 'nobody but alice');
    await post(g1.groupId, 'still nobody');
    // Bob, still connected, has them all (the marker came after them); Carol got not one byte more.
    await post(g2.groupId, 'marker 2');
    await got(bob, g2.groupId, 'marker 2');
    expect(carol.peer.engine.meter.get('server', srv).received).toBe(carolBytes);
    expect((await carol.call({ cmd: 'sync', server: srv }, 'ok')) as EngineEvent).toMatchObject({ event: 'error', code: 'server.unknown' });

    // Bob restarts: group one is not in his profile, group two is; the server stays imported.
    await bob.peer.close();
    const bob2 = start('bob');
    await bob2.call({ cmd: 'unlock', password: 'b' }, 'profile');
    expect(bob2.events.filter((e) => e.event === 'group').map((e) => (e as Ev<'group'>).groupId)).toEqual([g2.groupId]);
    expect(bob2.events.some((e) => e.event === 'server' && e.onion === srv)).toBe(true);
    expect((await bob2.call({ cmd: 'history', conversation: g1.groupId }, 'history')) as EngineEvent).toMatchObject({ code: 'conversation.unknown' });

    // The same invite again: the group is back, with its history replayed from the server.
    expect(await bob2.call({ cmd: 'add', text: g1.invite }, 'group')).toMatchObject({ groupId: g1.groupId, name: 'one' });
    for (const t of ['before', 'after bob left', 'nobody but alice', 'still nobody']) await got(bob2, g1.groupId, t);
    const h = await bob2.call({ cmd: 'history', conversation: g1.groupId }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(['before', 'after bob left', 'nobody but alice', 'still nobody']);
  }, 180_000);

  it('rename: a contact and a group get a local name that survives a restart; the invite keeps its own; bad names are refused with a code', async () => {
    const dana = start('dana');
    const p = await dana.call({ cmd: 'create-profile', name: 'dana', password: 'd' }, 'profile');
    expect(p.event).toBe('profile');
    const friend = onionFromPublicKey(new Uint8Array(32).fill(7));
    const c = await dana.call({ cmd: 'add', text: friend }, 'contact');
    expect(c).toMatchObject({ onion: friend, name: '' });
    const g = await dana.call({ cmd: 'create-group', server: world.server().bundle, name: 'from invite' }, 'group');

    expect(await dana.call({ cmd: 'rename', conversation: friend, name: '  My   friend ' }, 'contact')).toMatchObject({ event: 'contact', onion: friend, name: 'My friend', authorization: 'approved' });
    const rg = await dana.call({ cmd: 'rename', conversation: g.groupId, name: 'Our plot 🌱' }, 'group');
    expect(rg).toMatchObject({ event: 'group', groupId: g.groupId, name: 'Our plot 🌱' });
    // Never sent: the invite we hand out still carries the invite's name.
    const inv = decodePaste(sodiumNativeBackend, nodePbkdf2, rg.invite);
    expect(inv.ok && inv.value.kind === 'tofubundle' ? inv.value.invite.groupName : null).toBe('from invite');

    const refused = async (conversation: string, name: string): Promise<string> => {
      const e = (await dana.call({ cmd: 'rename', conversation, name }, 'contact')) as EngineEvent;
      expect(e.event).toBe('error');
      return (e as Ev<'error'>).code;
    };
    expect(await refused(friend, '')).toBe('name.empty');
    expect(await refused(friend, '   ')).toBe('name.empty');
    expect(await refused(g.groupId, 'x'.repeat(1000))).toBe('name.length');
    expect(await refused(friend, 'a\u0007b')).toBe('name.control');
    expect(await refused('ffffffffffffffffffffffffffffffff', 'name')).toBe('contact.unknown');
    expect(await refused('not-a-conversation', 'name')).toBe('contact.unknown');

    await dana.peer.close();
    const dana2 = start('dana');
    await dana2.call({ cmd: 'unlock', password: 'd' }, 'profile');
    expect(dana2.events.find((e) => e.event === 'contact' && e.onion === friend)).toMatchObject({ name: 'My friend' });
    expect(dana2.events.find((e) => e.event === 'group' && e.groupId === g.groupId)).toMatchObject({ name: 'Our plot 🌱' });
  }, 60_000);
});
