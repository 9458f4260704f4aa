// A group on two servers (mirror) through real engines, real encrypted profiles and real group servers on the local
// network: one a built `cwtch-server` process, one in this process. Alice mirrors the group; bob hears of it in her
// server notice (docs/protocol.md §12.6). Then the process server is killed with SIGKILL and its message store
// wiped: the members keep posting through the mirror, see no gap, and the dead server says so in its state; when
// it comes back empty, the posts it missed are posted to it again and still nothing shows as a gap.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { MESSAGES_DB_FILE } from '../../../src/server/server.js';
import { ServerProc } from '../helpers/server-proc.js';
import { engineWorld, got, type Client } from './client.js';

const world = engineWorld('cwtch-mirror-');
const synced = (c: Client, srv: string, after = 0) =>
  c.waitFor((e) => c.events.indexOf(e) >= after && e.event === 'server-state' && e.server === srv && e.state === 'Synced', 30_000, `synced ${srv.slice(0, 6)}`);
const gapsOf = (c: Client, group: string): EngineEvent[] => c.events.filter((e) => e.event === 'gap' && e.group === group);
const count = (c: Client, group: string, text: string): number => c.events.filter((e) => e.event === 'message' && e.conversation === group && e.text === text).length;

/**
 * Alice and bob (contacts) in a group on a `cwtch-server` process (s1), each with one post the other has read.
 * `s1.proc` is whichever process runs now (a test restarts it); the last one is stopped at the end.
 */
async function groupOfTwo(suffix: string) {
  const s1dir = join(world.dir().root, `s1${suffix}`);
  const s1 = { proc: await ServerProc.start(world.dir().net, s1dir) };
  world.onClose(() => s1.proc.stop());
  const alice = world.start(`alice${suffix}`);
  const bob = world.start(`bob${suffix}`);
  const oa = (await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile')).onion;
  const ob = (await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile')).onion;
  await alice.call({ cmd: 'add', text: ob }, 'contact');
  await bob.call({ cmd: 'add', text: oa }, 'contact');
  const g = await alice.call({ cmd: 'create-group', server: s1.proc.bundle, name: 'plot' }, 'group');
  await synced(alice, g.server);
  await bob.call({ cmd: 'add', text: g.invite }, 'group');
  await synced(bob, g.server);
  for (const [c, t] of [[alice, 'a0'], [bob, 'b0']] as const) await c.call({ cmd: 'send', to: g.groupId, text: t }, 'message');
  await got(alice, g.groupId, 'b0');
  await got(bob, g.groupId, 'a0');
  return { s1, s1dir, alice, bob, g, S1: g.server };
}

describe('mirror', () => {
  it('posts go to both servers; one killed (-9) and wiped: no gap, posting goes on, the dead one shows; back empty, it is refilled', async () => {
    const { s1, s1dir, alice, bob, g, S1 } = await groupOfTwo('');

    // Alice mirrors the group on the second server; bob is told and syncs it too.
    const mirrored = await alice.call({ cmd: 'mirror', group: g.groupId, server: world.server().bundle }, 'group');
    const S2 = mirrored.servers!.find((x) => x.server !== S1)!.server;
    expect(mirrored.servers).toEqual([
      { server: S1, state: 'active' },
      { server: S2, state: 'active' },
    ]);
    await bob.waitFor((e) => e.event === 'group' && e.groupId === g.groupId && (e.servers ?? []).some((x) => x.server === S2), 30_000, 'bob hears of the mirror');
    await synced(alice, S2);
    await synced(bob, S2);
    expect((await alice.call({ cmd: 'mirror', group: g.groupId, server: S2 }, 'group')) as unknown).toMatchObject({ event: 'error', code: 'group.mirror-exists' });

    for (const t of ['a1', 'a2']) await alice.call({ cmd: 'send', to: g.groupId, text: t }, 'message');
    await bob.call({ cmd: 'send', to: g.groupId, text: 'b1' }, 'message');
    await got(bob, g.groupId, 'a2');
    await got(alice, g.groupId, 'b1');

    // S1 dies mid-conversation and loses everything it stored.
    const before = alice.events.length;
    await s1.proc.kill9();
    for (const f of [MESSAGES_DB_FILE, `${MESSAGES_DB_FILE}-wal`, `${MESSAGES_DB_FILE}-shm`]) rmSync(join(s1dir, f), { force: true });
    await alice.waitFor((e) => alice.events.indexOf(e) >= before && e.event === 'server-state' && e.server === S1 && (e.state === 'Disconnected' || e.state === 'Failed'), 30_000, 'S1 down');
    const a3 = await alice.call({ cmd: 'send', to: g.groupId, text: 'a3' }, 'message');
    await bob.call({ cmd: 'send', to: g.groupId, text: 'b2' }, 'message');
    // Acknowledged through the mirror while the first server is dead.
    await alice.waitFor((e) => e.event === 'ack' && e.messageId === a3.messageId, 30_000, 'a3 acked via S2');
    await got(bob, g.groupId, 'a3');
    await got(alice, g.groupId, 'b2');
    // S1 still waits for what it missed.
    await alice.waitFor((e) => alice.events.indexOf(e) >= before && e.event === 'post-queue' && e.server === S1 && e.queued > 0, 30_000, 'S1 post queue');

    // Back, empty, same keys: replayed from scratch (pruned), refilled with what it missed; still no gap.
    const back = alice.events.length;
    const bobBack = bob.events.length;
    s1.proc = await ServerProc.start(world.dir().net, s1dir);
    await synced(alice, S1, back);
    await synced(bob, S1, bobBack);
    await alice.waitFor((e) => alice.events.indexOf(e) >= back && e.event === 'post-queue' && e.server === S1 && e.queued === 0, 30_000, 'S1 refilled');
    await alice.call({ cmd: 'send', to: g.groupId, text: 'a4' }, 'message');
    await got(bob, g.groupId, 'a4');

    for (const c of [alice, bob]) {
      expect(gapsOf(c, g.groupId)).toEqual([]);
      for (const t of ['a0', 'b0', 'a1', 'a2', 'b1', 'a3', 'b2', 'a4']) expect(count(c, g.groupId, t), t).toBe(1);
    }
  }, 180_000);

  it('a message one server withholds and the other has: never a gap; withheld while the other is down: a gap after the grace, closed by the mirror', async () => {
    const w = await groupOfTwo('2');
    const { s1, s1dir, g, S1 } = w;
    let { alice, bob } = w;
    const m = await alice.call({ cmd: 'mirror', group: g.groupId, server: world.server().bundle }, 'group');
    const S2 = m.servers!.find((x) => x.server !== S1)!.server;
    await bob.waitFor((e) => e.event === 'group' && e.groupId === g.groupId && (e.servers ?? []).some((x) => x.server === S2), 30_000, 'bob hears of the mirror');
    await synced(bob, S2);

    /** Alice posts three while bob is away; S2 drops the middle one; alice goes too (no member to repair from). */
    const postWhileBobAway = async (texts: readonly string[]): Promise<string> => {
      await world.stop(bob);
      const ids: string[] = [];
      const from = alice.events.length;
      for (const t of texts) ids.push((await alice.call({ cmd: 'send', to: g.groupId, text: t }, 'message')).messageId);
      for (const srv of [S1, S2]) await alice.waitFor((e) => alice.events.indexOf(e) >= from && e.event === 'post-queue' && e.server === srv && e.queued === 0, 30_000, `posted to ${srv.slice(0, 6)}`);
      world.server().withhold(ids[1]!);
      await world.stop(alice);
      return ids[1]!;
    };

    // 1. Withheld by S2, held by S1: bob never sees a gap.
    await postWhileBobAway(['x1', 'x2', 'x3']);
    bob = world.start('bob2');
    await bob.call({ cmd: 'unlock', password: 'b' }, 'profile');
    await synced(bob, S1);
    await synced(bob, S2);
    await got(bob, g.groupId, 'x2');
    await got(bob, g.groupId, 'x3');
    expect(gapsOf(bob, g.groupId)).toEqual([]);

    // 2. Withheld by S2 while S1 is down: shown once S1 has failed and the grace is over; S1 back fills it (mirror).
    alice = world.start('alice2');
    await alice.call({ cmd: 'unlock', password: 'a' }, 'profile');
    await synced(alice, S2);
    await postWhileBobAway(['y1', 'y2', 'y3']);
    await s1.proc.kill9();
    bob = world.start('bob2');
    await bob.call({ cmd: 'unlock', password: 'b' }, 'profile');
    await got(bob, g.groupId, 'y3');
    const gap = await bob.waitFor((e) => e.event === 'gap' && e.group === g.groupId, 30_000, 'gap after the grace');
    expect(count(bob, g.groupId, 'y2')).toBe(0);
    s1.proc = await ServerProc.start(world.dir().net, s1dir);
    await got(bob, g.groupId, 'y2');
    const closed = await bob.waitFor((e) => e.event === 'gap-closed' && e.group === g.groupId, 30_000, 'closed by the mirror');
    expect(closed).toMatchObject({ gapId: (gap as { gapId: string }).gapId, closedBy: 'mirror', from: S1 });
  }, 180_000);
});
