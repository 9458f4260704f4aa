// Three profiles in three processes on the local network (127.0.0.1): contacts, requests, messages both ways,
// acks, the outbox across restarts, block and block-unknown, simultaneous dials, and kill -9 after an ack.
// Needs `npm run build` (npm test builds dist first).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessProc, type Ev } from './helpers/headless-proc.js';

let root: string;
let net: string;
const procs: HeadlessProc[] = [];

function start(home: string): HeadlessProc {
  const p = HeadlessProc.local(net, join(root, home));
  procs.push(p);
  return p;
}

async function createProfile(p: HeadlessProc, name: string): Promise<string> {
  const e = await p.call({ cmd: 'create-profile', name, password: `${name}-pw` }, 'profile');
  return e.onion as string;
}

async function unlock(p: HeadlessProc, name: string): Promise<string> {
  const e = await p.call({ cmd: 'unlock', password: `${name}-pw` }, 'profile');
  return e.onion as string;
}

const isMsg = (from: string, text: string) => (e: Ev) => e.event === 'message' && e.from === from && e.text === text;
const count = (p: HeadlessProc, pred: (e: Ev) => boolean) => p.events.filter(pred).length;

async function history(p: HeadlessProc, conversation: string): Promise<{ text: string; outgoing: boolean; ack: string; messageId: string }[]> {
  const h = await p.call({ cmd: 'history', conversation, limit: 1000 }, 'history');
  return h.messages as never;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cwtch-peers-'));
  net = join(root, 'net');
});

afterAll(async () => {
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

describe('peers over the local network', () => {
  it('add, accept, exchange both ways with acks; outbox survives the receiver being down; exactly once', async () => {
    const a = start('a');
    const b = start('b');
    const c = start('c');
    const [oa, ob, oc] = await Promise.all([createProfile(a, 'alice'), createProfile(b, 'bob'), createProfile(c, 'carol')]);

    const added = await a.call({ cmd: 'add', text: ob }, 'contact');
    expect(added.authorization).toBe('approved');
    // Bob sees Alice as a request, with her public name fetched by getVal.
    await b.waitFor((e) => e.event === 'contact' && e.onion === oa && e.authorization === 'unknown', 20_000, 'request');
    await b.waitFor((e) => e.event === 'contact' && e.onion === oa && e.name === 'alice', 20_000, 'name');
    await a.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated');
    const acc = await b.call({ cmd: 'accept', onion: oa }, 'contact');
    expect(acc.authorization).toBe('approved');

    const sent = await a.call({ cmd: 'send', to: ob, text: 'hello bob <&>' }, 'message');
    expect(sent).toMatchObject({ outgoing: true, ack: 'pending', overlay: 1 });
    await b.waitFor(isMsg(oa, 'hello bob <&>'));
    await a.waitFor((e) => e.event === 'ack' && e.messageId === sent.messageId, 20_000, 'ack at alice');

    const back = await b.call({ cmd: 'send', to: oa, text: 'hi alice ✓' }, 'message');
    await a.waitFor(isMsg(ob, 'hi alice ✓'));
    await b.waitFor((e) => e.event === 'ack' && e.messageId === back.messageId, 20_000, 'ack at bob');

    // Carol is a contact of nobody: she adds Alice and shows up there as a request; her message is stored.
    await c.call({ cmd: 'add', text: oa }, 'contact');
    await c.call({ cmd: 'send', to: oa, text: 'knock knock' }, 'message');
    await a.waitFor((e) => e.event === 'contact' && e.onion === oc && e.authorization === 'unknown');
    await a.waitFor(isMsg(oc, 'knock knock'));

    // Bob goes away; Alice writes twice; Bob comes back and gets each message exactly once.
    expect(await b.quit()).toBe(0);
    const m1 = await a.call({ cmd: 'send', to: ob, text: 'while you were out 1' }, 'message');
    const m2 = await a.call({ cmd: 'send', to: ob, text: 'while you were out 2' }, 'message');
    const b2 = start('b');
    await unlock(b2, 'bob');
    await b2.waitFor(isMsg(oa, 'while you were out 1'));
    await b2.waitFor(isMsg(oa, 'while you were out 2'));
    await a.waitFor((e) => e.event === 'ack' && e.messageId === m1.messageId);
    await a.waitFor((e) => e.event === 'ack' && e.messageId === m2.messageId);
    // Restart Alice too: nothing is re-delivered once acknowledged.
    expect(await a.quit()).toBe(0);
    const a2 = start('a');
    await unlock(a2, 'alice');
    await a2.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated');
    const hb = await history(b2, oa);
    expect(hb.filter((m) => !m.outgoing).map((m) => m.text)).toEqual(['hello bob <&>', 'while you were out 1', 'while you were out 2']);
    const ha = await history(a2, ob);
    expect(ha.filter((m) => m.outgoing).every((m) => m.ack === 'acknowledged')).toBe(true);
    expect(count(b2, isMsg(oa, 'while you were out 1'))).toBe(1);

    // Block: Carol is disconnected and what she sends is never stored (and never acknowledged).
    await a2.call({ cmd: 'block', onion: oc }, 'contact');
    const blockedMsg = await c.call({ cmd: 'send', to: oa, text: 'let me in' }, 'message');
    // Give her retries a moment against a live Alice, then look at both sides.
    await new Promise((r) => setTimeout(r, 3000));
    const hc = await history(a2, oc);
    expect(hc.map((m) => m.text)).toEqual(['knock knock']);
    expect(c.events.some((e) => e.event === 'ack' && e.messageId === blockedMsg.messageId)).toBe(false);

    for (const p of [a2, b2, c]) expect(await p.quit()).toBe(0);
  }, 180_000);

  it('block-unknown disconnects peers that are not approved contacts', async () => {
    const d = start('d');
    const e = start('e');
    const [od, oe] = await Promise.all([createProfile(d, 'dora'), createProfile(e, 'ed')]);
    await d.call({ cmd: 'block-unknown', on: true }, 'ok');
    await e.call({ cmd: 'add', text: od }, 'contact');
    const m = await e.call({ cmd: 'send', to: od, text: 'hello?' }, 'message');
    await new Promise((r) => setTimeout(r, 2500));
    expect(d.events.some((x) => x.event === 'contact' && x.onion === oe)).toBe(false);
    expect(e.events.some((x) => x.event === 'ack' && x.messageId === m.messageId)).toBe(false);
    // Approving Ed lets the queued message through.
    await d.call({ cmd: 'add', text: oe }, 'contact');
    await d.waitFor(isMsg(oe, 'hello?'));
    await e.waitFor((x) => x.event === 'ack' && x.messageId === m.messageId);
    for (const p of [d, e]) await p.quit();
  }, 90_000);

  it('both sides dialling at once still converge: messages both ways, exactly once', async () => {
    const f = start('f');
    const g = start('g');
    const [of, og] = await Promise.all([createProfile(f, 'fay'), createProfile(g, 'gus')]);
    f.send({ cmd: 'add', text: og });
    g.send({ cmd: 'add', text: of });
    f.send({ cmd: 'send', to: og, text: 'from f' });
    g.send({ cmd: 'send', to: of, text: 'from g' });
    await g.waitFor(isMsg(of, 'from f'), 40_000);
    await f.waitFor(isMsg(og, 'from g'), 40_000);
    await f.waitFor((e) => e.event === 'ack');
    await g.waitFor((e) => e.event === 'ack');
    expect(count(g, isMsg(of, 'from f'))).toBe(1);
    expect(count(f, isMsg(og, 'from g'))).toBe(1);
    for (const p of [f, g]) await p.quit();
  }, 90_000);

  it('an acknowledged message survives kill -9 of the receiver', async () => {
    const h = start('h');
    const i = start('i');
    const [oh, oi] = await Promise.all([createProfile(h, 'hal'), createProfile(i, 'ivy')]);
    await h.call({ cmd: 'add', text: oi }, 'contact');
    await i.call({ cmd: 'add', text: oh }, 'contact');
    const m = await h.call({ cmd: 'send', to: oi, text: 'durable' }, 'message');
    await h.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId);
    await i.kill9();
    const i2 = start('i');
    await unlock(i2, 'ivy');
    const hist = await history(i2, oh);
    expect(hist.map((x) => x.text)).toContain('durable');
    for (const p of [h, i2]) await p.quit();
  }, 60_000);
});
