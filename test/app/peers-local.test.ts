// Three profiles in three processes on the local network (127.0.0.1): contacts, requests, messages both ways,
// acks, the outbox across restarts, block and block-unknown, simultaneous dials, and kill -9 after an ack.
// Needs `npm run build` (npm test builds dist first).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ev, HeadlessProc } from './helpers/headless-proc.js';
import { ackOf, messageFrom, startLocalNet, type LocalNet } from './helpers/local-net.js';

let net: LocalNet;
beforeAll(() => (net = startLocalNet('peers')));
afterAll(() => net.close());

const count = (p: HeadlessProc, pred: (e: Ev) => boolean) => p.events.filter(pred).length;

describe('peers over the local network', () => {
  it('add, accept, exchange both ways with acks; outbox survives the receiver being down; exactly once', async () => {
    const a = net.client('a');
    const b = net.client('b');
    const c = net.client('c');
    const [oa, ob, oc] = await Promise.all([a.createProfile('alice'), b.createProfile('bob'), c.createProfile('carol')]);

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
    await b.waitFor(messageFrom(oa, 'hello bob <&>'));
    await a.waitFor(ackOf(sent.messageId), 20_000, 'ack at alice');

    const back = await b.call({ cmd: 'send', to: oa, text: 'hi alice ✓' }, 'message');
    await a.waitFor(messageFrom(ob, 'hi alice ✓'));
    await b.waitFor(ackOf(back.messageId), 20_000, 'ack at bob');

    // Carol is a contact of nobody: she adds Alice and shows up there as a request; her message is stored.
    await c.call({ cmd: 'add', text: oa }, 'contact');
    await c.call({ cmd: 'send', to: oa, text: 'knock knock' }, 'message');
    await a.waitFor((e) => e.event === 'contact' && e.onion === oc && e.authorization === 'unknown');
    await a.waitFor(messageFrom(oc, 'knock knock'));

    // Bob goes away; Alice writes twice; Bob comes back and gets each message exactly once.
    expect(await b.quit()).toBe(0);
    const m1 = await a.call({ cmd: 'send', to: ob, text: 'while you were out 1' }, 'message');
    const m2 = await a.call({ cmd: 'send', to: ob, text: 'while you were out 2' }, 'message');
    const b2 = net.client('b');
    await b2.unlock('bob-pw');
    await b2.waitFor(messageFrom(oa, 'while you were out 1'));
    await b2.waitFor(messageFrom(oa, 'while you were out 2'));
    await a.waitFor(ackOf(m1.messageId));
    await a.waitFor(ackOf(m2.messageId));
    // Restart Alice too: nothing is re-delivered once acknowledged.
    expect(await a.quit()).toBe(0);
    const a2 = net.client('a');
    await a2.unlock('alice-pw');
    await a2.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated');
    const hb = await b2.history(oa, 1000);
    expect(hb.filter((m) => !m.outgoing).map((m) => m.text)).toEqual(['hello bob <&>', 'while you were out 1', 'while you were out 2']);
    const ha = await a2.history(ob, 1000);
    expect(ha.filter((m) => m.outgoing).every((m) => m.ack === 'acknowledged')).toBe(true);
    expect(count(b2, messageFrom(oa, 'while you were out 1'))).toBe(1);

    // Block: Carol is disconnected and what she sends is never stored (and never acknowledged).
    await a2.call({ cmd: 'block', onion: oc }, 'contact');
    const blockedMsg = await c.call({ cmd: 'send', to: oa, text: 'let me in' }, 'message');
    // Give her retries a moment against a live Alice, then look at both sides.
    await new Promise((r) => setTimeout(r, 3000));
    const hc = await a2.history(oc, 1000);
    expect(hc.map((m) => m.text)).toEqual(['knock knock']);
    expect(c.events.some(ackOf(blockedMsg.messageId))).toBe(false);

    for (const p of [a2, b2, c]) expect(await p.quit()).toBe(0);
  }, 180_000);

  it('block-unknown disconnects peers that are not approved contacts', async () => {
    const d = net.client('d');
    const e = net.client('e');
    const [od, oe] = await Promise.all([d.createProfile('dora'), e.createProfile('ed')]);
    await d.call({ cmd: 'block-unknown', on: true }, 'ok');
    await e.call({ cmd: 'add', text: od }, 'contact');
    const m = await e.call({ cmd: 'send', to: od, text: 'hello?' }, 'message');
    await new Promise((r) => setTimeout(r, 2500));
    expect(d.events.some((x) => x.event === 'contact' && x.onion === oe)).toBe(false);
    expect(e.events.some(ackOf(m.messageId))).toBe(false);
    // Approving Ed lets the queued message through.
    await d.call({ cmd: 'add', text: oe }, 'contact');
    await d.waitFor(messageFrom(oe, 'hello?'));
    await e.waitFor(ackOf(m.messageId));
    for (const p of [d, e]) await p.quit();
  }, 90_000);

  it('both sides dialling at once still converge: messages both ways, exactly once', async () => {
    const f = net.client('f');
    const g = net.client('g');
    const [of, og] = await Promise.all([f.createProfile('fay'), g.createProfile('gus')]);
    f.send({ cmd: 'add', text: og });
    g.send({ cmd: 'add', text: of });
    f.send({ cmd: 'send', to: og, text: 'from f' });
    g.send({ cmd: 'send', to: of, text: 'from g' });
    await g.waitFor(messageFrom(of, 'from f'), 40_000);
    await f.waitFor(messageFrom(og, 'from g'), 40_000);
    await f.waitFor((e) => e.event === 'ack');
    await g.waitFor((e) => e.event === 'ack');
    expect(count(g, messageFrom(of, 'from f'))).toBe(1);
    expect(count(f, messageFrom(og, 'from g'))).toBe(1);
    for (const p of [f, g]) await p.quit();
  }, 90_000);

  it('an acknowledged message survives kill -9 of the receiver', async () => {
    const h = net.client('h');
    const i = net.client('i');
    const [oh, oi] = await Promise.all([h.createProfile('hal'), i.createProfile('ivy')]);
    await h.call({ cmd: 'add', text: oi }, 'contact');
    await i.call({ cmd: 'add', text: oh }, 'contact');
    const m = await h.call({ cmd: 'send', to: oi, text: 'durable' }, 'message');
    await h.waitFor(ackOf(m.messageId));
    await i.kill9();
    const i2 = net.client('i');
    await i2.unlock('ivy-pw');
    const hist = await i2.history(oh, 1000);
    expect(hist.map((x) => x.text)).toContain('durable');
    for (const p of [h, i2]) await p.quit();
  }, 60_000);
});
