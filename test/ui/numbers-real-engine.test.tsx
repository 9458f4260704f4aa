// Conversation numbers survive a restart, on REAL engines: alice adds carol, then bob; bob writes last, so the
// engine's unlock snapshot lists him first (most recent activity), yet after the restart carol is still 1 and bob 2,
// because numbers follow the order conversations were added (the events' `position`), not the snapshot's.

import { act } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { befriend, createProfileByKeys } from './helpers/real-tui.js';

interface Side {
  readonly peer: RealPeer;
  readonly store: UiStore;
  readonly term: TestTerminal;
}

let dir: ReturnType<typeof scratch>;
const open: Side[] = [];

beforeAll(() => {
  dir = scratch('cwtch-ui-numbers-');
});
afterAll(async () => {
  for (const s of [...open]) await closeSide(s);
  dir.dispose();
});

async function closeSide(s: Side): Promise<void> {
  open.splice(open.indexOf(s), 1);
  await act(async () => s.term.unmount());
  s.store.dispose();
  await s.peer.close();
}

async function side(name: string): Promise<Side> {
  const peer = realPeer(dir.root, dir.net, name);
  const store = createUiStore(new ActGate(peer.engine));
  peer.reportStatus();
  const term = await renderTerminal(<App store={store} noColor onQuit={() => {}} />, { columns: 100, rows: 24 });
  const s = { peer, store, term };
  open.push(s);
  return s;
}

describe('conversation numbers across a restart', () => {
  it('follow the order conversations were added, not the latest activity', async () => {
    let alice = await side('alice');
    const bob = await side('bob');
    const carol = await side('carol');
    for (const [s, n] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) await createProfileByKeys(s, n, `${n}-pw`);
    await befriend(alice, carol);
    const { onionA, onionB } = await befriend(alice, bob);
    await settle(() => expect(alice.term.lastFrame()).toMatch(/1 ● carol[^\n]*\n2 ● bob/));
    bob.peer.engine.command({ cmd: 'send', to: onionA, text: 'bob writes last' });
    await settle(() => expect(alice.store.getState().messages.get(onionB)?.length).toBe(1));

    await closeSide(alice);
    alice = await side('alice');
    await alice.term.press('alice-pw');
    await alice.term.press(KEYS.enter);
    await settle(() => expect(alice.term.lastFrame()).toMatch(/1 ● carol[^\n]*\n2 ● bob/));
    // Alt+2 is bob's, as it was before the restart.
    await alice.term.press(KEYS.alt('2'));
    await settle(() => expect(alice.term.lastFrame()).toContain('bob writes last'));
  }, 60_000);
});
