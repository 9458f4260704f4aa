// Groups end to end over the local network (127.0.0.1): one untrusted cwtch-server process and three headless
// clients — the handbook's integration test. Create a group, invite two peers over p2p (they accept with `add`),
// everyone posts, everyone sees every message in the same causal order; a restarted client resumes from its last
// signature (no duplicates, no full replay). Needs `npm run build` (npm test builds dist first).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessProc } from './helpers/headless-proc.js';
import { ackOf, groupMessage, serverState, startLocalNet, type LocalNet } from './helpers/local-net.js';

let net: LocalNet;
beforeAll(() => (net = startLocalNet('groups')));
afterAll(() => net.close());

/** a and b become approved contacts of each other. */
async function befriend(a: HeadlessProc, oa: string, b: HeadlessProc, ob: string): Promise<void> {
  await a.call({ cmd: 'add', text: ob }, 'contact');
  await b.call({ cmd: 'add', text: oa }, 'contact');
  await a.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated', 30_000, 'peer up');
}

async function historyTexts(p: HeadlessProc, group: string): Promise<string[]> {
  return (await p.history(group, 1000)).map((m) => m.text);
}

function serverBytes(p: HeadlessProc, server: string): number {
  const last = p.events.filter((e) => e.event === 'bytes' && e.scope === 'server' && e.key === server).at(-1);
  return last === undefined ? 0 : (last.received as number);
}

describe('groups over the local network', () => {
  it('three peers and one server: invite, accept, everyone posts, same causal order; restart resumes from the last signature', async () => {
    const server = await net.server();
    const a = net.client('a');
    const b = net.client('b');
    const c = net.client('c');
    const [oa, ob, oc] = await Promise.all([a.createProfile('alice'), b.createProfile('bob'), c.createProfile('carol')]);
    await befriend(a, oa, b, ob);
    await befriend(a, oa, c, oc);

    const created = await a.call({ cmd: 'create-group', server: server.bundle, name: 'plotters' }, 'group');
    const group = created.groupId as string;
    const serverOnion = created.server as string;
    expect(group).toMatch(/^[0-9a-f]{32}$/);
    expect(created.invite).toMatch(/^tofubundle:server:/);
    await a.waitFor(serverState(serverOnion, 'Synced'), 30_000, 'alice synced');

    for (const [p, o] of [[b, ob], [c, oc]] as const) {
      await a.call({ cmd: 'invite', to: o, group }, 'message');
      const inv = await p.waitFor((e) => e.event === 'invite' && e.groupId === group, 30_000, 'invite');
      expect(inv.from).toBe(oa);
      const joined = await p.call({ cmd: 'add', text: inv.text }, 'group');
      expect(joined.groupId).toBe(group);
      await p.waitFor(serverState(serverOnion, 'Synced'), 30_000, 'member synced');
    }

    // Sequential posts (each waits until everyone has it) make a single chain.
    const texts: string[] = [];
    const everyone = [a, b, c];
    for (const [i, p] of [a, b, c, a, b, c].entries()) {
      const text = `msg ${i} <&> ✓`;
      texts.push(text);
      const sent = await p.call({ cmd: 'send', to: group, text }, 'message');
      expect(sent).toMatchObject({ outgoing: true, ack: 'pending' });
      await p.waitFor(ackOf(sent.messageId), 60_000, 'echo ack');
      for (const q of everyone) await q.waitFor(groupMessage(group, text), 30_000, `${text} everywhere`);
    }
    // Then three concurrent posts: the timeline still gives every member the same order.
    const conc = ['c-a', 'c-b', 'c-c'];
    everyone.forEach((p, i) => p.send({ cmd: 'send', to: group, text: conc[i] }));
    for (const q of everyone) for (const t of conc) await q.waitFor(groupMessage(group, t), 60_000, `${t} everywhere`);

    const orders = await Promise.all(everyone.map((p) => historyTexts(p, group)));
    expect(orders[0]!.slice(0, texts.length)).toEqual(texts);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect(orders[0]!.length).toBe(texts.length + conc.length);
    // Every message arrived once per member, and no member saw a gap.
    for (const q of everyone) {
      for (const t of [...texts, ...conc]) expect(q.events.filter(groupMessage(group, t)).length).toBe(1);
      expect(q.events.some((e) => e.event === 'gap')).toBe(false);
    }

    // Carol restarts while Alice posts twice: she gets exactly those, replaying from her last signature.
    expect(await c.quit()).toBe(0);
    const total = orders[0]!.length;
    for (const t of ['while away 1', 'while away 2']) {
      const s = await a.call({ cmd: 'send', to: group, text: t }, 'message');
      await a.waitFor(ackOf(s.messageId), 60_000, 'ack');
    }
    const c2 = net.client('c');
    await c2.unlock('carol-pw');
    await c2.waitFor((e) => e.event === 'group' && e.groupId === group, 20_000, 'group after unlock');
    await c2.waitFor(groupMessage(group, 'while away 1'), 30_000);
    await c2.waitFor(groupMessage(group, 'while away 2'), 30_000);
    await c2.waitFor(serverState(serverOnion, 'Synced'), 30_000);
    // Nothing old is shown again, and the history holds each message once.
    expect(c2.events.filter((e) => e.event === 'message' && e.conversation === group).map((e) => e.text)).toEqual(['while away 1', 'while away 2']);
    const h = await historyTexts(c2, group);
    expect(h.length).toBe(total + 2);
    expect(h.slice(-2)).toEqual(['while away 1', 'while away 2']);
    // No full replay: fewer packets came from the server than the group holds (one 8 KiB packet per message).
    await new Promise((r) => setTimeout(r, 1200)); // the meter reports at most once a second
    const got = serverBytes(c2, serverOnion);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(total * 8192);

    for (const p of [a, b, c2]) expect(await p.quit()).toBe(0);
  }, 300_000);
});
