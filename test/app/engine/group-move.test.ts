// move-group through real engines, real encrypted profiles and two real group servers on the local network: alice
// moves a group of three from the first server to the second (same key, same id). Bob follows at once; carol is
// offline during the move, and alice keeps the old server until carol, back, has followed too (her server notice
// lists it as dropped, docs/protocol.md §12.6). Then everyone is on the new server only, and nothing was lost.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { realServer, type RealServer } from '../../ui/helpers/real-server.js';
import { engineWorld, got, type Client, type Ev } from './client.js';

const world = engineWorld('cwtch-move-');
const synced = (c: Client, srv: string) => c.waitFor((e) => e.event === 'server-state' && e.server === srv && e.state === 'Synced', 30_000, `synced ${srv.slice(0, 6)}`);
const groupWith = (c: Client, id: string, pred: (e: Ev<'group'>) => boolean, what: string) =>
  c.waitFor((e) => e.event === 'group' && e.groupId === id && pred(e), 30_000, what) as Promise<Ev<'group'>>;
const onlyOn = (server: string) => (e: Ev<'group'>) => (e.servers ?? []).length === 1 && e.servers![0]!.server === server && e.move === undefined;

describe('move-group', () => {
  it('three members, one offline during the move: the old server is dropped only once all have followed; nothing lost', async () => {
    let s2: RealServer | null = null;
    world.onClose(async () => s2?.close());
    s2 = await realServer(world.dir().root, world.dir().net, { dataDir: 'server2' });
    const alice = world.start('alice');
    const bob = world.start('bob');
    let carol = world.start('carol');
    const oa = (await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile')).onion;
    for (const [c, n] of [[bob, 'bob'], [carol, 'carol']] as const) {
      const o = (await c.call({ cmd: 'create-profile', name: n, password: n }, 'profile')).onion;
      await alice.call({ cmd: 'add', text: o }, 'contact');
      await c.call({ cmd: 'add', text: oa }, 'contact');
    }
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'plot' }, 'group');
    const S1 = g.server;
    await synced(alice, S1);
    for (const c of [bob, carol]) {
      await c.call({ cmd: 'add', text: g.invite }, 'group');
      await synced(c, S1);
    }
    for (const [c, t] of [[alice, 'a0'], [bob, 'b0'], [carol, 'c0']] as const) await c.call({ cmd: 'send', to: g.groupId, text: t }, 'message');
    for (const c of [alice, bob, carol]) for (const t of ['a0', 'b0', 'c0']) await got(c, g.groupId, t);

    await world.stop(carol);
    const ok = await alice.call({ cmd: 'move-group', group: g.groupId, server: s2.bundle }, 'ok');
    expect(ok).toMatchObject({ event: 'ok', cmd: 'move-group' });
    const moving = await groupWith(alice, g.groupId, (e) => e.move !== undefined, 'moving');
    const S2 = moving.move!.to;
    expect(moving.move!.from).toBe(S1);
    expect((await alice.call({ cmd: 'move-group', group: g.groupId, server: S2 }, 'ok')) as unknown).toMatchObject({ event: 'error', code: 'group.moving' });

    // Bob follows: the new server, the old one synced once more and dropped.
    await groupWith(bob, g.groupId, onlyOn(S2), 'bob on S2 only');
    await groupWith(alice, g.groupId, (e) => e.move !== undefined && e.move.waiting.length === 1, 'bob confirmed, carol awaited');
    await bob.call({ cmd: 'send', to: g.groupId, text: 'b1' }, 'message');
    await alice.call({ cmd: 'send', to: g.groupId, text: 'a1' }, 'message');
    await got(alice, g.groupId, 'b1');
    await got(bob, g.groupId, 'a1');
    // Alice still posts to the old server for carol.
    const aliceNow = alice.events.filter((e): e is Ev<'group'> => e.event === 'group' && e.groupId === g.groupId).at(-1)!;
    expect((aliceNow.servers ?? []).map((x) => x.server).sort()).toEqual([S1, S2].sort());

    // Carol comes back: she has what was posted (from the old server and the new), follows, and alice drops S1.
    carol = world.start('carol');
    await carol.call({ cmd: 'unlock', password: 'carol' }, 'profile');
    await groupWith(carol, g.groupId, onlyOn(S2), 'carol on S2 only');
    await groupWith(alice, g.groupId, onlyOn(S2), 'alice on S2 only');
    for (const t of ['a1', 'b1']) await got(carol, g.groupId, t);
    await carol.call({ cmd: 'send', to: g.groupId, text: 'c1' }, 'message');
    await got(alice, g.groupId, 'c1');
    await got(bob, g.groupId, 'c1');

    // The group kept its id and key: the same invite still names it; nobody saw a gap or a duplicate.
    const isGap = (e: EngineEvent) => e.event === 'gap' && e.group === g.groupId;
    for (const [c, texts] of [[alice, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1']], [bob, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1']], [carol, ['a1', 'b1', 'c1']]] as const) {
      expect(c.events.filter(isGap)).toEqual([]);
      for (const t of texts) expect(c.events.filter((e) => e.event === 'message' && e.conversation === g.groupId && e.text === t), t).toHaveLength(1);
    }
  }, 180_000);
});
