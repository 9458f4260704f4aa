// Gap repair from peers (docs/protocol.md §12.3) through real engines and a real group server (in process, local
// network, real encrypted profiles): a message the server withholds from one member, and a stretch a small
// server pruned before a member came back, are both repaired from an online member who is a 1:1 contact —
// verified like a server's message, stored once, closed with closedBy 'peer', and still there after a restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { realPeer, scratch } from '../../ui/helpers/real-engine.js';
import { realServer, type RealServer } from '../../ui/helpers/real-server.js';
import { Client, got, type Ev } from './client.js';

let dir: ReturnType<typeof scratch>;
const servers: RealServer[] = [];
const clients: Client[] = [];
beforeAll(() => {
  dir = scratch('cwtch-repair-');
});
afterAll(async () => {
  for (const c of clients) await c.peer.close();
  for (const s of servers) await s.close();
  dir.dispose();
});
const start = (name: string): Client => {
  const c = new Client(realPeer(dir.root, dir.net, name));
  clients.push(c);
  return c;
};
async function stop(c: Client): Promise<void> {
  clients.splice(clients.indexOf(c), 1);
  await c.peer.close();
}

async function profile(c: Client, name: string): Promise<string> {
  return (await c.call({ cmd: 'create-profile', name, password: name }, 'profile')).onion;
}
async function befriend(a: Client, oa: string, b: Client, ob: string): Promise<void> {
  await a.call({ cmd: 'add', text: ob }, 'contact');
  await b.call({ cmd: 'add', text: oa }, 'contact');
  await a.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated', 30_000, 'peer up');
}
const synced = (c: Client, server: string) => c.waitFor((e) => e.event === 'server-state' && e.server === server && e.state === 'Synced', 30_000, 'synced');
async function post(c: Client, group: string, text: string): Promise<string> {
  const m = await c.call({ cmd: 'send', to: group, text }, 'message');
  await c.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${text}`);
  return m.messageId;
}
const texts = (c: Client, group: string): string[] => c.events.filter((e): e is Ev<'message'> => e.event === 'message' && e.conversation === group).map((e) => e.text);

describe('gap repair from peers', () => {
  it('a withheld message is asked of an online member and arrives from them; closedBy peer; kept after a restart', async () => {
    const server = await realServer(dir.root, dir.net, { dataDir: 'withhold-server' });
    servers.push(server);
    const alice = start('alice');
    let carol = start('carol');
    const bob = start('bob');
    const [oa, ob, oc] = [await profile(alice, 'alice'), await profile(bob, 'bob'), await profile(carol, 'carol')];
    await befriend(bob, ob, carol, oc);
    const g = await alice.call({ cmd: 'create-group', server: server.bundle, name: 'club' }, 'group');
    await synced(alice, g.server);
    for (const c of [bob, carol]) {
      await c.call({ cmd: 'add', text: g.invite }, 'group');
      await synced(c, g.server);
    }
    // Bob posts once, so carol knows him as a member (members are the senders we have seen).
    await post(bob, g.groupId, 'bob is here');
    await got(carol, g.groupId, 'bob is here');
    await got(alice, g.groupId, 'bob is here');

    // Carol goes quiet; alice posts three; the server then withholds the middle one from whoever syncs next.
    await carol.call({ cmd: 'lowbw', on: true }, 'lowbw');
    await post(alice, g.groupId, 'one');
    const two = await post(alice, g.groupId, 'two');
    await got(bob, g.groupId, 'two');
    // One of the repairer's own posts is missing too: a member gives what it sent as well as what it received.
    const fromBob = await post(bob, g.groupId, 'from bob');
    await got(alice, g.groupId, 'from bob');
    await post(alice, g.groupId, 'three');
    await got(bob, g.groupId, 'three');
    server.withhold(two);
    server.withhold(fromBob);

    const before = carol.events.length;
    await carol.call({ cmd: 'sync', server: g.server }, 'ok');
    await got(carol, g.groupId, 'three');
    const gap = (await carol.waitFor((e) => e.event === 'gap' && e.group === g.groupId, 10_000, 'gap')) as Ev<'gap'>;
    expect(gap.cause).toBe('withheld');
    // Asked of bob (online, a contact, a member), answered by him, closed by him.
    await carol.waitFor((e) => e.event === 'gap-repair' && e.gapId === gap.gapId && e.from === ob, 20_000, 'asking bob');
    await got(carol, g.groupId, 'two');
    await got(carol, g.groupId, 'from bob');
    const closed = (await carol.waitFor((e) => e.event === 'gap-closed' && e.gapId === gap.gapId, 20_000, 'closed')) as Ev<'gap-closed'>;
    expect(closed).toMatchObject({ closedBy: 'peer', from: ob });
    expect(texts(carol, g.groupId).filter((t) => t === 'two' || t === 'from bob')).toHaveLength(2);
    expect(carol.events.slice(before).some((e) => e.event === 'error')).toBe(false);
    const repaired = carol.peer.engine.repairStats;
    expect(repaired).toMatchObject({ repaired: 2, rejected: 0 });
    expect(oa).not.toBe(ob);

    // After a restart the repaired message is history, in chain order, and no gap is open.
    await stop(carol);
    carol = start('carol');
    await carol.call({ cmd: 'unlock', password: 'carol' }, 'profile');
    const h = await carol.call({ cmd: 'history', conversation: g.groupId, limit: 50 }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(['bob is here', 'one', 'two', 'from bob', 'three']);
    expect(carol.events.some((e: EngineEvent) => e.event === 'gap')).toBe(false);
  }, 120_000);

  it('a stretch a small server pruned before a member came back is repaired from a member, nothing duplicated', async () => {
    // 1 MB keeps about 250 messages: 260 more make it prune the oldest, carol's last commit among them.
    const server = await realServer(dir.root, dir.net, { dataDir: 'small-server', maxStorageMBs: 1, limits: { postsPerMinute: 100_000 } });
    servers.push(server);
    const alice = start('alice2');
    const bob = start('bob2');
    const carol = start('carol2');
    const [ob, oc] = [(await profile(alice, 'alice2'), await profile(bob, 'bob2')), await profile(carol, 'carol2')];
    await befriend(bob, ob, carol, oc);
    const g = await alice.call({ cmd: 'create-group', server: server.bundle, name: 'busy' }, 'group');
    await synced(alice, g.server);
    for (const c of [bob, carol]) {
      await c.call({ cmd: 'add', text: g.invite }, 'group');
      await synced(c, g.server);
    }
    await post(bob, g.groupId, 'bob was here');
    await got(carol, g.groupId, 'bob was here');
    await carol.call({ cmd: 'lowbw', on: true }, 'lowbw');

    const burst = Array.from({ length: 260 }, (_, i) => `busy ${i}`);
    const ids: string[] = [];
    for (const t of burst) ids.push((await alice.call({ cmd: 'send', to: g.groupId, text: t }, 'message')).messageId);
    await alice.waitFor(() => alice.events.filter((e) => e.event === 'ack' && ids.includes(e.messageId)).length === burst.length, 60_000, 'all acked');
    await got(bob, g.groupId, 'busy 259');

    // Carol's last commit is gone from the server: a full resync (she confirms its cost), then a pruned gap.
    await carol.call({ cmd: 'sync', server: g.server, confirm: true }, 'ok');
    await got(carol, g.groupId, 'busy 259');
    const gap = (await carol.waitFor((e) => e.event === 'gap' && e.group === g.groupId && e.cause === 'pruned', 20_000, 'pruned gap')) as Ev<'gap'>;
    const closed = (await carol.waitFor((e) => e.event === 'gap-closed' && e.gapId === gap.gapId, 30_000, 'repaired')) as Ev<'gap-closed'>;
    expect(closed).toMatchObject({ closedBy: 'peer', from: ob });
    const h = await carol.call({ cmd: 'history', conversation: g.groupId, limit: 1000 }, 'history');
    expect(h.messages.map((m) => m.text)).toEqual(['bob was here', ...burst]);
    const stats = carol.peer.engine.repairStats!;
    expect(stats.repaired).toBeGreaterThan(0);
    expect(stats.rejected).toBe(0);
    // One gap, closed once: the reply is applied oldest first, so the gap does not walk back message by message.
    expect(new Set(carol.events.filter((e) => e.event === 'gap').map((e) => (e as Ev<'gap'>).gapId))).toEqual(new Set([gap.gapId]));
    expect(carol.events.filter((e) => e.event === 'gap-closed')).toHaveLength(1);
  }, 180_000);
});
