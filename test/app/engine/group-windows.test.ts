// Time windows through real engines (docs/sync-extension.md §10): a server that already holds a lot of other
// groups' traffic from days ago; a new member who joins with our invite (it carries the group's creation time)
// fetches only the windows since, one who joins with a Go-style invite (no creation time) fetches everything, and
// both end with the same timeline. In low-bandwidth mode the cost is asked for before anything is fetched.

import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64, utf8 } from '../../../src/core/bytes.js';
import { windowEndOf } from '../../../src/core/groups/sync-window.js';
import { BOARD_WINDOW_DEFAULT_S, PACKET_SIZE } from '../../../src/core/limits.js';
import { nodeRandom } from '../../../src/app/platform/node-platform.js';
import { engineWorld, got, type Client, type Ev } from './client.js';

const world = engineWorld('cwtch-windows-');
// The scale: a group created after 100,000 messages of other groups were already on the server.
const OLD = 100_000;
const DAY = 24 * 3600_000;

/** The invite as a Go client would send it: the same group, without our Created member. */
function withoutCreated(invite: string): string {
  const at = invite.indexOf('||torv3');
  const json = JSON.parse(new TextDecoder().decode(fromBase64(invite.slice(at + 7))!)) as Record<string, unknown>;
  expect(json.Created).toBeTypeOf('number');
  delete json.Created;
  return `${invite.slice(0, at)}||torv3${toBase64(utf8(JSON.stringify(json)))}`;
}

const received = (c: Client, server: string): number => {
  const b = c.events.filter((e): e is Ev<'bytes'> => e.event === 'bytes' && e.scope === 'server' && e.key === server).at(-1);
  return b?.received ?? 0;
};
const texts = async (c: Client, group: string): Promise<string[]> => (await c.call({ cmd: 'history', conversation: group }, 'history')).messages.map((m) => m.text);

describe('time windows through the engine', () => {
  it('a new member fetches only the windows since the group was created; a Go-style invite fetches everything; same timeline', async () => {
    // Other groups' traffic, ten days old (200-byte ciphertexts: what the server stores for any group).
    const old = windowEndOf(Date.now() - 10 * DAY, BOARD_WINDOW_DEFAULT_S);
    for (let i = 0; i < OLD; i += 5000) {
      world.server().store.commitPosts(Array.from({ length: 5000 }, () => ({ tokenT: nodeRandom.bytes(32), signature: nodeRandom.bytes(64), ciphertext: nodeRandom.bytes(200), windowEnd: old })));
    }
    const alice = world.start('alice');
    const bob = world.start('bob');
    const carol = world.start('carol');
    const dave = world.start('dave');
    for (const [c, n] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol'], [dave, 'dave']] as const) await c.call({ cmd: 'create-profile', name: n, password: n }, 'profile');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'club' }, 'group');
    const server = g.server as string;
    await alice.waitFor((e) => e.event === 'server-state' && e.server === server && e.state === 'Synced', 30_000, 'alice synced');
    for (const t of ['one', 'two', 'three', 'four', 'five']) {
      const m = await alice.call({ cmd: 'send', to: g.groupId, text: t }, 'message');
      await alice.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${t}`);
    }

    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await got(bob, g.groupId, 'five');
    await carol.call({ cmd: 'add', text: withoutCreated(g.invite) }, 'group');
    await got(carol, g.groupId, 'five');
    await bob.waitFor((e) => e.event === 'server-state' && e.server === server && e.state === 'Synced', 30_000, 'bob synced');
    await carol.waitFor((e) => e.event === 'server-state' && e.server === server && e.state === 'Synced', 30_000, 'carol synced');
    await new Promise((r) => setTimeout(r, 1500));

    expect(await texts(bob, g.groupId)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(await texts(carol, g.groupId)).toEqual(await texts(bob, g.groupId));
    // Carol's replay carried the 100,000 old messages (packed: ~3,250 packets); Bob's only the five, and the handshake.
    expect(received(carol, server)).toBeGreaterThan(3000 * PACKET_SIZE);
    expect(received(bob, server)).toBeLessThan(20 * PACKET_SIZE);

    // Low-bandwidth: the sync asks first with the server's estimate, and fetches nothing until confirmed.
    await dave.call({ cmd: 'lowbw', on: true }, 'lowbw');
    await dave.call({ cmd: 'add', text: withoutCreated(g.invite) }, 'group');
    const cost = await dave.call({ cmd: 'sync', server }, 'sync-cost');
    expect(cost).toMatchObject({ server, messages: OLD + 5, estimated: true });
    // The estimate counts the packets a packed replay takes: about a third of a packet per old message here.
    expect(cost.bytes).toBeGreaterThan(3000 * PACKET_SIZE);
    expect(cost.bytes).toBeLessThan(4000 * PACKET_SIZE);
    await new Promise((r) => setTimeout(r, 1000));
    expect(dave.events.some((e) => e.event === 'message')).toBe(false);
    expect(received(dave, server)).toBeLessThan(8 * PACKET_SIZE);
    await dave.call({ cmd: 'sync', server, confirm: true }, 'ok');
    await got(dave, g.groupId, 'five');
    expect(await texts(dave, g.groupId)).toEqual(await texts(bob, g.groupId));
  }, 180_000);
});
