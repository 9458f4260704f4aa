// The whole TUI wired to two REAL engines on the local network (127.0.0.1), driven only by keys: create a
// profile on both, A pastes B's address into the paste box, B accepts the request, A sends, B sees the
// message and A sees it acknowledged. Then groups on a REAL server (src/server, in process) that withholds one
// message from one member: the marker and the open-gap counts appear, and go when the message arrives late.
// No scripted engine anywhere in this file.

import { act } from 'react';
import type { EngineEvent } from '../../src/core/api/events.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { realServer } from './helpers/real-server.js';
import { befriend, createProfileByKeys } from './helpers/real-tui.js';
import { nodeRandom } from '../../src/app/platform/node-platform.js';
import { windowEndOf } from '../../src/core/groups/sync-window.js';
import { BOARD_WINDOW_DEFAULT_S } from '../../src/core/limits.js';

interface Side {
  readonly peer: RealPeer;
  readonly store: UiStore;
  readonly term: TestTerminal;
  quits: number;
}

let dir: ReturnType<typeof scratch>;
const sides: Side[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  dir = scratch('cwtch-ui-real-');
});
afterAll(async () => {
  for (const s of sides) {
    await act(async () => s.term.unmount());
    s.store.dispose();
    await s.peer.close();
  }
  for (const c of closers) await c();
  dir.dispose();
});

async function open(name: string): Promise<Side> {
  const peer = realPeer(dir.root, dir.net, name);
  const gate = new ActGate(peer.engine);
  const store = createUiStore(gate);
  peer.reportStatus();
  const side: Side = { peer, store, term: undefined as unknown as TestTerminal, quits: 0 };
  const term = await renderTerminal(<App store={store} noColor onQuit={() => side.quits++} />, { columns: 120, rows: 30 });
  (side as { term: TestTerminal }).term = term;
  sides.push(side);
  return side;
}

const createProfile = (s: Side, name: string, password: string): Promise<void> => createProfileByKeys(s, name, password);

/**
 * A real server holding `stored` messages of other groups from today (what a sync from scratch would fetch), and a
 * side in low-bandwidth mode (typed) with every engine event it emits; `before` runs ahead of the group's creation.
 */
async function lowBandwidthSide(name: string, profile: string, stored: number, before: (s: Side) => Promise<void> = async () => {}): Promise<{ a: Side; events: EngineEvent[]; server: string }> {
  const srv = await realServer(dir.root, dir.net, { dataDir: `${name}-server` });
  closers.push(() => srv.close());
  const now = windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S);
  srv.store.commitPosts(Array.from({ length: stored }, () => ({ tokenT: nodeRandom.bytes(32), signature: nodeRandom.bytes(64), ciphertext: nodeRandom.bytes(300), windowEnd: now })));
  const a = await open(name);
  await createProfile(a, profile, `${profile}-pw`);
  const events: EngineEvent[] = [];
  a.peer.engine.subscribe((e) => void events.push(e));
  await a.term.press('/lowbw on');
  await a.term.press(KEYS.enter);
  await settle(() => expect(a.term.lastFrame()).toContain('LOW-BW'));
  await before(a);
  await a.term.press(`/group ${srv.bundle} ${profile}s`);
  await a.term.press(KEYS.enter);
  const groupEvent = () => events.find((x): x is Extract<EngineEvent, { event: 'group' }> => x.event === 'group');
  await settle(() => expect(groupEvent()).toBeDefined());
  const server = groupEvent()!.server as string;
  await a.term.press(`/sync ${server}`);
  await a.term.press(KEYS.enter);
  return { a, events, server };
}

describe('the TUI on real engines', () => {
  it('create, add by paste, accept by key, send, receive, acknowledged', async () => {
    const a = await open('a');
    const b = await open('b');
    // One after the other: act() scopes must not overlap.
    await createProfile(a, 'alice', 'alice-pw');
    await createProfile(b, 'bob', 'bob-pw');
    const onionB = b.store.getState().profile!.onion;
    const onionA = a.store.getState().profile!.onion;
    // Each side shows its own address, so a person can hand it over; /me repeats it once there are contacts.
    expect(b.term.lastFrame()).toContain(`Your address: ${onionB}`);
    expect(b.term.lastFrame()).toContain('Tor ready');

    // A: /add opens the paste box; the pasted address is classified before anything is sent.
    await a.term.press('/add');
    await a.term.press(KEYS.enter);
    expect(a.term.lastFrame()).toContain('Paste an address');
    await a.term.press(KEYS.paste(onionB));
    expect(a.term.lastFrame()).toContain(onionB.slice(0, 20));
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.store.getState().conversations.get(onionB)?.authorization).toBe('approved'));

    // B: the request appears (with A's self-chosen name, fetched from A) and is accepted with "a".
    await settle(() => {
      expect(b.term.lastFrame()).toContain('Contact request from');
      expect(b.term.lastFrame()).toContain('alice');
    });
    await b.term.press('a');
    await settle(() => expect(b.store.getState().conversations.get(onionA)?.authorization).toBe('approved'));
    await settle(() => expect(b.term.lastFrame()).not.toContain('Contact request from'));

    // A types and sends; B's screen shows it; A's screen shows the double tick.
    await a.term.press('hello from the real engine');
    await a.term.press(KEYS.enter);
    await settle(() => expect(b.term.lastFrame()).toContain('hello from the real engine'));
    await settle(() => expect(a.term.lastFrame()).toMatch(/me ✓✓ hello from the real engine|alice ✓✓ hello from the real engine/));
    // And back: B answers from its composer.
    await b.term.press('hi alice');
    await b.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('hi alice'));

    // Ctrl+D on an empty composer quits: the engine is told and the UI reports it.
    await a.term.press(KEYS.ctrlD);
    await settle(() => expect(a.quits).toBe(1));
  }, 90_000);

  it('a message withheld by a real server shows a ⟂ gap marker in the group pane, and it closes when the message arrives', async () => {
    const server = await realServer(dir.root, dir.net);
    closers.push(() => server.close());
    const a = await open('ga');
    const b = await open('gb');
    await createProfile(a, 'ann', 'ann-pw');
    await createProfile(b, 'ben', 'ben-pw');
    // What A's engine reports (the invite text and message ids): read only, the UI gets the same events.
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));

    // A creates the group by slash command; the group opens (it is A's only conversation).
    await a.term.press(`/group ${server.bundle} club`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'group')).toBe(true));
    const g = aEvents.find((e) => e.event === 'group') as Extract<EngineEvent, { event: 'group' }>;
    await settle(() => expect(a.term.lastFrame()).toContain('club'));

    // B joins by pasting the invite into the /add paste box.
    await b.term.press('/add');
    await b.term.press(KEYS.enter);
    await b.term.press(KEYS.paste(g.invite));
    await b.term.press(KEYS.enter);
    await settle(() => expect(b.store.getState().servers.get(g.server)?.state).toBe('Synced'), 30_000);

    const post = async (text: string): Promise<string> => {
      const before = aEvents.length;
      await a.term.press(text);
      await a.term.press(KEYS.enter);
      let id = '';
      await settle(() => {
        const m = aEvents.slice(before).find((e) => e.event === 'message' && e.text === text) as Extract<EngineEvent, { event: 'message' }> | undefined;
        expect(m).toBeDefined();
        id = m!.messageId;
        expect(aEvents.some((e) => e.event === 'ack' && e.messageId === id)).toBe(true);
      }, 30_000);
      return id;
    };

    // B holds one message (its last commit), then goes quiet: low-bandwidth mode syncs only when asked.
    await post('first post');
    await settle(() => expect(b.term.lastFrame()).toContain('first post'), 30_000);
    await b.term.press('/lowbw on');
    await b.term.press(KEYS.enter);
    await settle(() => expect(b.store.getState().servers.get(g.server)?.state).toBe('Disconnected'), 30_000);

    await post('before the gap');
    const withheld = await post('withheld post');
    // No pause: same-second timestamps must not reorder the message after the gap (the timeline hangs it below
    // the missing one), so the order on screen is asserted with ties on purpose.
    await post('after the gap');
    server.withhold(withheld);

    // B syncs by command: the neighbours arrive, the withheld one does not, and the marker stands between them.
    await b.term.press(`/sync ${g.server}`);
    await b.term.press(KEYS.enter);
    await settle(() => {
      const f = b.term.lastFrame();
      expect(f).toContain('after the gap');
      // The gap names both neighbours (the timeline places the orphan after what arrived before it).
      expect(f).toMatch(/⟂ messages missing between .* — server withheld or pruned/);
      expect(f).toContain('⟂ 1 gap open');
      expect(f).not.toContain('withheld post');
    }, 30_000);
    const lines = b.term.lastFrame().split('\n');
    const at = (text: string): number => lines.findIndex((l) => l.includes(text));
    expect(at('before the gap')).toBeLessThan(at('⟂ messages missing'));
    expect(at('⟂ messages missing')).toBeLessThan(at('after the gap'));
    // The contact-list row (left of the pane header on the same screen line) counts it too.
    expect(lines.find((l) => l.includes('club'))).toContain('⟂1');

    // The server "finds" it again; B syncs from the servers view ("s"), it arrives and the marker goes.
    server.release(withheld);
    await b.term.press('/server');
    await b.term.press(KEYS.enter);
    await settle(() => expect(b.term.lastFrame()).toContain('Low-bandwidth mode ON'));
    await b.term.press('s');
    await settle(() => {
      const f = b.term.lastFrame();
      expect(f).toContain('withheld post');
      expect(f).not.toContain('messages missing');
      expect(f).not.toContain('gap open');
      expect(f).not.toContain('⟂1');
    }, 30_000);
  }, 180_000);

  it('posts held back by a rate-limiting real server: the group header and the servers view say why and how many, and it clears when they are taken', async () => {
    // 2 posts per 6 s window per connection: the third waits about six seconds.
    const server = await realServer(dir.root, dir.net, { dataDir: 'slow-server', limits: { postsPerMinute: 2, postRateWindowMs: 6_000 } });
    closers.push(() => server.close());
    const a = await open('ra');
    await createProfile(a, 'ria', 'ria-pw');
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));
    await a.term.press(`/group ${server.bundle} slow`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(true), 30_000);
    for (const text of ['one', 'two', 'three', 'four']) {
      await a.term.press(text);
      await a.term.press(KEYS.enter);
    }
    await settle(() => expect(a.term.lastFrame()).toMatch(/⧗ \d waiting: server rate limit until \d\d:\d\d:\d\d/), 30_000);
    await a.term.press('/server');
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toMatch(/⧗ \d posts? waiting for the server: rate limited/));
    await a.term.press(KEYS.esc);
    // All four are taken (acked) and the waiting line goes.
    await settle(() => {
      expect(aEvents.filter((e) => e.event === 'ack').length).toBe(4);
      expect(a.term.lastFrame()).not.toContain('waiting for the server');
    }, 60_000);
  }, 120_000);

  it('/fork on a real engine: the new group opens in the list and the old one says it is read-only', async () => {
    const server = await realServer(dir.root, dir.net, { dataDir: 'fork-server' });
    closers.push(() => server.close());
    const a = await open('fa');
    await createProfile(a, 'fay', 'fay-pw');
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));
    await a.term.press(`/group ${server.bundle} den`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(true), 30_000);
    await a.term.press('/fork');
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'group' && e.forkedTo !== undefined)).toBe(true), 30_000);
    await settle(() => expect(a.term.lastFrame()).toContain('read-only: forked to den'));
    // Writing there is refused with the engine's reason.
    await a.term.press('hello?');
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('read-only'));
    expect(aEvents.some((e) => e.event === 'error' && e.code === 'group.read-only')).toBe(true);
    // The refused message is back in the composer, not lost with the line.
    await settle(() => expect(a.term.lastFrame()).toContain('> hello?'));
  }, 60_000);

  it('/mirror and /move on a real engine: the header counts the servers, the servers view lists the group on both, a move with nobody to wait for ends at once', async () => {
    const s1 = await realServer(dir.root, dir.net, { dataDir: 'mirror-1' });
    const s2 = await realServer(dir.root, dir.net, { dataDir: 'mirror-2' });
    const s3 = await realServer(dir.root, dir.net, { dataDir: 'mirror-3' });
    closers.push(() => s1.close(), () => s2.close(), () => s3.close());
    const a = await open('ma');
    await createProfile(a, 'mia', 'mia-pw');
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));
    await a.term.press(`/group ${s1.bundle} twin`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(true), 30_000);
    await a.term.press(`/mirror ${s2.bundle}`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('on 2 servers'), 30_000);
    await a.term.press('/server');
    await a.term.press(KEYS.enter);
    // The group is counted on both servers.
    await settle(() => expect(a.term.lastFrame()!.match(/1 group\b/g)?.length).toBe(2));
    await a.term.press(KEYS.esc);
    // Alone in the group: a move has nobody to wait for and ends at once; the first server is synced once more, then dropped.
    await a.term.press(`/move ${s3.bundle}`);
    await a.term.press(KEYS.enter);
    const groups = () => aEvents.filter((e): e is Extract<EngineEvent, { event: 'group' }> => e.event === 'group');
    const first = groups()[0]!.server;
    await settle(() => {
      const servers = groups().at(-1)?.servers ?? [];
      expect(servers).toHaveLength(2);
      expect(servers.map((x) => x.server)).not.toContain(first);
      expect(servers.every((x) => x.state === 'active')).toBe(true);
    }, 30_000);
    await settle(() => expect(a.term.lastFrame()).toContain('on 2 servers'));
    expect(groups().some((e) => e.move !== undefined)).toBe(false);
  }, 90_000);

  it('low-bandwidth /sync on a real server: the prompt shows the server\'s estimate before anything is fetched, and /sync … yes fetches', async () => {
    const { a, events: aEvents, server } = await lowBandwidthSide('lb', 'lena', 500);
    const costEvent = () => aEvents.find((x): x is Extract<EngineEvent, { event: 'sync-cost' }> => x.event === 'sync-cost');
    await settle(() => expect(costEvent()).toBeDefined(), 30_000);
    expect(costEvent()).toMatchObject({ messages: 500, estimated: true });
    await settle(() => expect(a.term.lastFrame()).toContain("500 messages, about"));
    expect(a.term.lastFrame()).toContain("the server's count");
    expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(false);
    await a.term.press(`/sync ${server} yes`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(true), 30_000);
    await settle(() => expect(a.term.lastFrame()).not.toContain("the server's count"));
  }, 90_000);
  it('the data budget on a real engine: /budget sets it, the status line and servers view meter it, and a sync past it asks with its cost', async () => {
    const { a, events: aEvents } = await lowBandwidthSide('bu', 'bea', 300, async (s) => {
      await s.term.press('/budget 20kB');
      await s.term.press(KEYS.enter);
      await settle(() => expect(s.term.lastFrame()).toMatch(/↕ \d+ (B|kB) of 20 kB today/));
    });
    const costEvent = () => aEvents.find((x): x is Extract<EngineEvent, { event: 'sync-cost' }> => x.event === 'sync-cost');
    await settle(() => expect(costEvent()).toBeDefined(), 30_000);
    expect(costEvent()).toMatchObject({ messages: 300, estimated: true, overBudget: true, budget: 20_000 });
    await settle(() => expect(a.term.lastFrame()).toContain("Past today's data budget"));
    expect(a.term.lastFrame()).toContain('300 messages, about');
    // The estimate's own connection spent more than 20 kB: the meter says the budget is reached.
    await settle(() => expect(a.term.lastFrame()).toContain('of 20 kB today — budget reached'));
    await a.term.press('/budget');
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('Data budget:'));
    expect(a.term.lastFrame()).toContain('██████████ · low-bandwidth syncs stop there and ask');
    expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(false);
  }, 90_000);
  it('verification on real engines: Alt+V shows the same code on both sides, /verify yes marks the contact, and a look-alike request is warned about', async () => {
    const a = await open('va');
    const b = await open('vb');
    const m = await open('vm');
    await createProfile(a, 'vera', 'vera-pw');
    await createProfile(b, 'bob', 'bob-pw');
    await createProfile(m, 'b0b', 'mal-pw');
    const { onionA, onionB } = await befriend(a, b);
    await settle(() => expect(a.store.getState().conversations.get(onionB)?.name).toBe('bob'));

    // Alt+V on both sides: the same six groups of digits.
    const codeOf = (frame: string): string | undefined => /Verification code with .*: (\d{5}(?: \d{5}){5})/.exec(frame)?.[1];
    await a.term.press(KEYS.alt('v'));
    await settle(() => expect(codeOf(a.term.lastFrame())).toBeDefined());
    await b.term.press(KEYS.alt('v'));
    await settle(() => expect(codeOf(b.term.lastFrame())).toBeDefined());
    expect(codeOf(b.term.lastFrame())).toBe(codeOf(a.term.lastFrame()));
    expect(a.term.lastFrame()).toContain('If theirs is the same, type /verify yes');

    // It matched: the mark in the list, the head, and the quick switcher.
    await a.term.press('/verify yes');
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('bob ✓ verified'));
    expect(a.term.lastFrame()).toMatch(/bob\s*✓ #/);
    await a.term.press(KEYS.ctrlK);
    await settle(() => expect(a.term.lastFrame()).toContain('Switch to:'));
    expect(a.term.lastFrame()).toMatch(/bob ✓ #/);
    await a.term.press(KEYS.esc);

    // Someone else calling themselves "b0b" asks to talk: the request says who it looks like, before any accept.
    await m.term.press(`/add ${onionA}`);
    await m.term.press(KEYS.enter);
    await settle(() => expect([...a.store.getState().conversations.values()].some((c) => c.authorization === 'unknown')).toBe(true), 30_000);
    const request = [...a.store.getState().conversations.values()].find((c) => c.authorization === 'unknown')!;
    expect(request.resembles).toBe('bob');
    // Numbers do not move: bob is 1, the request is 2.
    await a.term.press(KEYS.alt('2'));
    await settle(() => expect(a.term.lastFrame()).toContain('Looks like your VERIFIED contact bob'));
  }, 90_000);
  it('commands answer on a real engine: /server, /group (and the new group opens), /lowbw, /sync, /budget say what they did; Esc clears an error', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'answers' });
    closers.push(() => srv.close());
    const a = await open('an');
    await createProfile(a, 'ann', 'ann-pw');
    const said = (text: string) => settle(() => expect(a.term.lastFrame()).toContain(text), 30_000);
    await a.term.press(`/server ${srv.bundle}`);
    await a.term.press(KEYS.enter);
    await said('imported. /group');
    await a.term.press(`/server ${srv.bundle}`);
    await a.term.press(KEYS.enter);
    await said('was already known.');
    const onion = [...a.store.getState().servers.keys()][0]!;
    await a.term.press(`/group ${onion} plans`);
    await a.term.press(KEYS.enter);
    await said('Group “plans');
    expect(a.term.lastFrame()).toContain('it is open. /invite CONTACT adds people.');
    // The new group is the open conversation: its name heads the pane.
    expect(a.store.getState().conversations.size).toBe(1);
    await settle(() => expect(a.term.lastFrame().split('\n')[0]).toMatch(/plans.*#.*group \(experimental\)/));
    await a.term.press('/lowbw');
    await a.term.press(KEYS.enter);
    await said('Low-bandwidth mode on: servers sync only when you /sync.');
    await a.term.press('/budget 5MB');
    await a.term.press(KEYS.enter);
    await said('Data budget: 5.0 MB a day for low-bandwidth syncs.');
    await a.term.press(`/sync ${onion} yes`);
    await a.term.press(KEYS.enter);
    await said('synced.');
    await a.term.press('/sync nowhere');
    await a.term.press(KEYS.enter);
    await said('✗ no group of yours uses that server');
    await a.term.press(KEYS.esc);
    await settle(() => expect(a.term.lastFrame()).not.toContain('✗ no group of yours uses that server'));
  }, 60_000);
  it('a text too long for one group message: the counter warns, Enter asks, Enter again sends it as several in order; nothing is cleared', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'long' });
    closers.push(() => srv.close());
    const a = await open('lo');
    await createProfile(a, 'lou', 'lou-pw');
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));
    await a.term.press(`/group ${srv.bundle} essays`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'group')).toBe(true));
    const long = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    await a.term.press(KEYS.paste(long));
    await settle(() => expect(a.term.lastFrame()).toMatch(/\d+\/1800 bytes: too long for one message/));
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('Too long for one message: Enter again sends it as 3 messages, in order'));
    expect(aEvents.some((e) => e.event === 'message')).toBe(false);
    await a.term.press(KEYS.enter);
    const sent = () => aEvents.filter((e): e is Extract<EngineEvent, { event: 'message' }> => e.event === 'message' && e.outgoing);
    await settle(() => expect(sent()).toHaveLength(3), 30_000);
    expect(sent().map((m) => m.text).join('')).toBe(long);
    await settle(() => expect(aEvents.filter((e) => e.event === 'ack')).toHaveLength(3), 30_000);
  }, 60_000);
  it('the paste box keeps what was pasted: Enter on something it cannot add stays, a refusal from a real engine is shown in the box, Ctrl+U clears', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'paste' });
    closers.push(() => srv.close());
    const a = await open('pb');
    await createProfile(a, 'pia', 'pia-pw');
    await a.term.press('/add');
    await a.term.press(KEYS.enter);
    await a.term.press(KEYS.paste('not an address'));
    await a.term.press(KEYS.enter);
    expect(a.term.lastFrame()).toContain('> not an address');
    expect(a.term.lastFrame()).toContain('Not recognised');
    await a.term.press(KEYS.ctrlU);
    await settle(() => expect(a.term.lastFrame()).not.toContain('> not an address'));
    expect(a.term.lastFrame()).toContain('Paste an address');
    // A bundle whose signature does not match its keys: the engine refuses it, and the box says so with the text kept.
    const json = JSON.parse(Buffer.from(srv.bundle.slice('server:'.length), 'base64').toString('utf8')) as { Keys: Record<string, string> };
    const k = Object.keys(json.Keys)[0]!;
    json.Keys[k] = json.Keys[k]!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const forged = `server:${Buffer.from(JSON.stringify(json)).toString('base64')}`;
    await a.term.press(KEYS.paste(forged));
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('✗ Not added:'));
    expect(a.term.lastFrame()).toContain('Paste an address');
    expect(a.term.lastFrame()).toContain(`> ${forged.slice(0, 40)}`);
    // The real bundle, after clearing: added, and the box closes with the answer.
    await a.term.press(KEYS.ctrlU);
    await a.term.press(KEYS.paste(srv.bundle));
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('imported. /group'));
    expect(a.term.lastFrame()).not.toContain('Paste an address');
  }, 60_000);
  it('a group invite sent over 1:1 shows as one line on both sides, live and from history; Alt+I reviews it', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'invite-card' });
    closers.push(() => srv.close());
    const a = await open('ia');
    const b = await open('ib');
    await createProfile(a, 'ida', 'ida-pw');
    await createProfile(b, 'ben', 'ben-pw');
    const { onionA, onionB } = await befriend(a, b);
    await a.term.press(`/group ${srv.bundle} picnic`);
    await a.term.press(KEYS.enter);
    await settle(() => expect([...a.store.getState().conversations.values()].some((c) => c.kind === 'group')).toBe(true));
    await a.term.press(`/invite ${onionB}`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(a.term.lastFrame()).toContain('Invite sent to ben'));
    await settle(() => expect(b.term.lastFrame()).toContain('✉ group invite: “picnic” (Alt+I reviews it)'), 30_000);
    expect(b.term.lastFrame()).not.toContain('tofubundle');
    // Ben's conversation has the newest activity: first in the list.
    await a.term.press(KEYS.alt('1'));
    await settle(() => expect(a.term.lastFrame()).toContain('✉ group invite sent: “picnic”'));
    // From history alone (a UI started later) the card is the same.
    const h = await new Promise<Extract<EngineEvent, { event: 'history' }>>((resolve) => {
      const off = b.peer.engine.subscribe((e) => {
        if (e.event === 'history' && e.id === 'h1') {
          off();
          resolve(e);
        }
      });
      b.peer.engine.command({ cmd: 'history', conversation: onionA, id: 'h1' });
    });
    expect(h.messages.find((m) => m.groupInvite !== undefined)?.groupInvite?.groupName).toBe('picnic');
    await b.term.press(KEYS.alt('i'));
    await settle(() => expect(b.term.lastFrame()).toContain('This is a group invite'));
  }, 60_000);
  it('a server that went away: the servers view says why and when the next try is; s says what it did', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'dies' });
    const a = await open('dd');
    await createProfile(a, 'dee', 'dee-pw');
    const aEvents: EngineEvent[] = [];
    a.peer.engine.subscribe((e) => void aEvents.push(e));
    await a.term.press(`/group ${srv.bundle} gone`);
    await a.term.press(KEYS.enter);
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(true), 30_000);
    await srv.close();
    // The standing connection drops, the next dial finds nobody: the engine says why and when it tries again.
    await settle(() => expect(aEvents.some((e) => e.event === 'server-state' && e.reason !== undefined && e.retryAt !== undefined)).toBe(true), 30_000);
    const down = aEvents.find((e): e is Extract<EngineEvent, { event: 'server-state' }> => e.event === 'server-state' && e.reason !== undefined)!;
    expect(down.reason).toBe('the peer is not online');
    await a.term.press(KEYS.alt('s'));
    await settle(() => expect(a.term.lastFrame()).toMatch(/✗ the peer is not online · next try at \d\d:\d\d:\d\d/));
    await a.term.press('s');
    await settle(() => expect(a.term.lastFrame()).toMatch(/Server #.*: trying now \(Alt\+S shows how it goes\)\./));
  }, 60_000);
  it('search on a real engine: Ctrl+R starts /search, the hits list says who and where, Enter opens the conversation', async () => {
    const a = await open('sa');
    const b = await open('sb');
    await createProfile(a, 'sal', 'sal-pw');
    await createProfile(b, 'sid', 'sid-pw');
    await befriend(a, b);
    for (const t of ['the ferry leaves at nine', 'bring snacks']) {
      await a.term.press(t);
      await a.term.press(KEYS.enter);
      await settle(() => expect(b.term.lastFrame()).toContain(t));
    }
    await b.term.press(KEYS.ctrlR);
    await settle(() => expect(b.term.lastFrame()).toContain('> /search'));
    await b.term.press('FERRY');
    await b.term.press(KEYS.enter);
    await settle(() => expect(b.term.lastFrame()).toContain('1 found for “FERRY”'));
    expect(b.term.lastFrame()).toMatch(/sal #.* in sal: the ferry leaves at nine/);
    await b.term.press(KEYS.enter);
    await settle(() => expect(b.term.lastFrame()).not.toContain('found for'));
    expect(b.term.lastFrame()).toContain('the ferry leaves at nine');
  }, 60_000);
  it('/password on a real engine: nothing typed is shown, a wrong current password says so, the right one changes it', async () => {
    const a = await open('pw');
    await createProfile(a, 'pat', 'pat-pw');
    const typeForm = async (old: string, next: string, again: string): Promise<void> => {
      await a.term.press('/password');
      await a.term.press(KEYS.enter);
      await settle(() => expect(a.term.lastFrame()).toContain('Change the profile'));
      for (const k of [old, KEYS.enter, next, KEYS.enter, again]) await a.term.press(k);
      expect(a.term.lastFrame()).toContain('New password again: ' + '•'.repeat(again.length));
      expect(a.term.lastFrame()).not.toContain(again);
      await a.term.press(KEYS.enter);
    };
    await typeForm('wrong-pw', 'new-pw-1', 'new-pw-1');
    await settle(() => expect(a.term.lastFrame()).toContain('✗ the current password is not correct'));
    await typeForm('pat-pw', 'new-pw-1', 'new-pw-1');
    await settle(() => expect(a.term.lastFrame()).toContain('Password changed: only the new one opens this profile now.'));
    expect(a.peer.engine.activeOnion).toBe(a.store.getState().profile!.onion);
  }, 60_000);
});
