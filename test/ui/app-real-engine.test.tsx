// The whole TUI wired to two REAL engines on the local network (127.0.0.1), driven only by keys: create a
// profile on both, A pastes B's address into the paste box, B accepts the request, A sends, B sees the
// message and A sees it acknowledged. No scripted engine anywhere in this file.

import { act } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';

interface Side {
  readonly peer: RealPeer;
  readonly store: UiStore;
  readonly term: TestTerminal;
  quits: number;
}

let dir: ReturnType<typeof scratch>;
const sides: Side[] = [];

beforeAll(() => {
  dir = scratch('cwtch-ui-real-');
});
afterAll(async () => {
  for (const s of sides) {
    await act(async () => s.term.unmount());
    s.store.dispose();
    await s.peer.close();
  }
  dir.dispose();
});

async function open(name: string): Promise<Side> {
  const peer = realPeer(dir.root, dir.net, name);
  const gate = new ActGate(peer.engine);
  const store = createUiStore(gate);
  peer.reportStatus();
  const side: Side = { peer, store, term: undefined as unknown as TestTerminal, quits: 0 };
  const term = await renderTerminal(<App engine={gate} store={store} theme={{ colour: false }} onQuit={() => side.quits++} />, { columns: 120, rows: 30 });
  (side as { term: TestTerminal }).term = term;
  sides.push(side);
  return side;
}

/** Create a profile with keys only: Tab to the create form, name, password twice. */
async function createProfile(s: Side, name: string, password: string): Promise<void> {
  await s.term.press(KEYS.tab);
  await s.term.press(name);
  await s.term.press(KEYS.enter);
  await s.term.press(password);
  await s.term.press(KEYS.enter);
  await s.term.press(password);
  await s.term.press(KEYS.enter);
  await settle(() => expect(s.term.lastFrame()).toContain('No contacts yet'));
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

  // Groups reached src/app/engine while this was written (afe1780); producing a gap needs a real cwtch-server whose
  // store is edited to withhold a message (the approach of test/app/groups-gaps.test.ts, still being written). The
  // marker itself is covered with scripted `gap` events in test/ui/components/app.test.tsx.
  it.todo('a message withheld by a real server shows a ⟂ gap marker in the group pane, and it closes when the message arrives');
});
