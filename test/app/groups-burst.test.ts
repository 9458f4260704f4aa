// Bursts of group posts — a bot, a paste of many lines, an outbox flushed after being offline — over the local
// network: one cwtch-server process and headless clients, real encrypted profiles. Every post is acknowledged and
// every member receives each exactly once, in the order of the chain; a kill -9 of the poster mid-burst loses and
// duplicates nothing. (Before the post queue had one consumer, bursts stalled after two token batches: ~20 posts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessProc } from './helpers/headless-proc.js';
import { serverState, startLocalNet, type LocalNet } from './helpers/local-net.js';

let net: LocalNet;
beforeAll(() => (net = startLocalNet('burst')));
afterAll(() => net.close());

const ackedIds = (p: HeadlessProc): Set<unknown> => new Set(p.events.filter((e) => e.event === 'ack').map((e) => e.messageId));

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** alice creates a group on `bundle`; the others join by its invite; all synced. */
async function groupOf(bundle: string, alice: HeadlessProc, others: HeadlessProc[]): Promise<{ group: string; server: string }> {
  const created = await alice.call({ cmd: 'create-group', server: bundle, name: 'bots' }, 'group');
  const server = created.server as string;
  await alice.waitFor(serverState(server, 'Synced'), 30_000, 'alice synced');
  for (const p of others) {
    await p.call({ cmd: 'add', text: created.invite }, 'group');
    await p.waitFor(serverState(server, 'Synced'), 30_000, 'member synced');
  }
  return { group: created.groupId as string, server };
}

/** Every text of `group` that `p` received, in arrival order (duplicates kept, so a test can see them). */
const received = (p: HeadlessProc, group: string): string[] => p.events.filter((e) => e.event === 'message' && e.conversation === group && !e.outgoing).map((e) => e.text as string);

describe('group post bursts', () => {
  it('300 posts in one burst: every one acked; both members receive each exactly once, in chain order', async () => {
    const server = await net.server('s1', ['--posts-per-minute', '100000']);
    const [a, b, c] = [net.client('a1'), net.client('b1'), net.client('c1')];
    await Promise.all([a.createProfile('alice'), b.createProfile('bob'), c.createProfile('carol')]);
    const { group } = await groupOf(server.bundle, a, [b, c]);
    const texts = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    for (const t of texts) a.send({ cmd: 'send', to: group, text: t });
    await until('300 acks', () => ackedIds(a).size >= 300, 120_000);
    for (const p of [b, c]) await until('300 received', () => received(p, group).length >= 300, 60_000);
    expect(a.events.filter((e) => e.event === 'error')).toEqual([]);
    for (const p of [b, c]) {
      expect(received(p, group)).toEqual(texts);
      expect((await p.history(group, 1000)).map((m) => m.text)).toEqual(texts);
      expect(p.events.some((e) => e.event === 'gap')).toBe(false);
    }
    const mine = await a.history(group, 1000);
    expect(mine.map((m) => m.text)).toEqual(texts);
    expect(mine.every((m) => m.ack === 'acknowledged')).toBe(true);
    // The queue told its state and ended empty.
    expect(a.events.filter((e) => e.event === 'post-queue').at(-1)).toMatchObject({ queued: 0, waiting: null });
  }, 240_000);

  it('kill -9 of the poster mid-burst: after a restart every queued post is delivered exactly once', async () => {
    const server = await net.server('s2', ['--posts-per-minute', '100000']);
    const a = net.client('a2');
    const b = net.client('b2');
    await Promise.all([a.createProfile('alice', 'pw-a'), b.createProfile('bob')]);
    const { group } = await groupOf(server.bundle, a, [b]);
    const texts = Array.from({ length: 400 }, (_, i) => `crash ${i}`);
    for (const t of texts) a.send({ cmd: 'send', to: group, text: t });
    // Mid-burst: some acked, not all.
    await until('first acks', () => ackedIds(a).size >= 20, 60_000);
    await a.kill9();
    const queued = new Set(a.events.filter((e) => e.event === 'message' && e.outgoing).map((e) => e.text));
    expect(ackedIds(a).size).toBeLessThan(texts.length);
    // Every post whose `message` event came out was committed; the rest never reached the profile.
    const a2 = net.client('a2');
    await a2.unlock('pw-a');
    const committed = (await a2.history(group, 1000)).map((m) => m.text);
    for (const t of queued) expect(committed).toContain(t);
    // Acks written just before the kill may never have reached our pipe: the profile's own state is the truth.
    const deadline = Date.now() + 120_000;
    while (!(await a2.history(group, 1000)).every((m) => m.ack === 'acknowledged')) {
      if (Date.now() > deadline) throw new Error('timed out: all acked after the restart');
      await new Promise((r) => setTimeout(r, 250));
    }
    await until('bob has them all', () => received(b, group).length >= committed.length, 60_000);
    const got = received(b, group);
    expect(got).toEqual(committed);
    expect(new Set(got).size).toBe(got.length);
    expect((await a2.history(group, 1000)).every((m) => m.ack === 'acknowledged')).toBe(true);
    expect(b.events.some((e) => e.event === 'gap')).toBe(false);
  }, 300_000);
});
