// /profile on the TUI wired to a REAL engine, keys only: another profile made from the main screen (name, password
// twice, never drawn), the status line naming the active one, switching by name, and deleting one, asked twice,
// until none is left and the first-run screen is back.

import { act } from 'react';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesDir } from '../../src/profile/paths.js';
import { App } from '../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { createProfileByKeys } from './helpers/real-tui.js';

let dir: ReturnType<typeof scratch>;
let peer: RealPeer;
let store: UiStore;
let term: TestTerminal;

beforeAll(() => {
  dir = scratch('cwtch-ui-profiles-');
});
afterAll(async () => {
  await act(async () => term.unmount());
  store.dispose();
  await peer.close();
  dir.dispose();
});

async function typed(line: string): Promise<void> {
  await term.press(line);
  await term.press(KEYS.enter);
}

describe('/profile on a real engine', () => {
  it('new, switch by name, delete asked twice, back to the first run when none is left', async () => {
    peer = realPeer(dir.root, dir.net, 'me');
    store = createUiStore(new ActGate(peer.engine));
    peer.reportStatus();
    term = await renderTerminal(<App store={store} noColor onQuit={() => {}} />, { columns: 120, rows: 30 });
    await createProfileByKeys({ store, term }, 'personal', 'pw');
    const personal = store.getState().profile!;
    // One profile open: nothing to switch between, so the status line does not name it.
    expect(term.lastFrame()).not.toContain('◉');

    await typed('/profile new');
    await settle(() => expect(term.lastFrame()).toContain('Another profile'));
    await typed('work');
    await typed('s3cret');
    await typed('s3cret');
    expect(term.lastFrame()).not.toContain('s3cret');
    await settle(() => expect(term.lastFrame()).toContain('◉ work (2 open)'));
    expect(term.lastFrame()).toContain('Now in the profile work');
    const work = store.getState().profile!;
    expect(work.onion).not.toBe(personal.onion);

    await typed('/profile');
    await settle(() => expect(term.lastFrame()).toContain('Open profiles: personal, work (active)'));
    await typed('/profile nobody');
    await settle(() => expect(term.lastFrame()).toContain('No open profile is called that'));
    await typed('/profile PERSONAL');
    await settle(() => expect(term.lastFrame()).toContain('◉ personal (2 open)'));
    expect(term.lastFrame()).toContain(`Your address: ${personal.onion}`);

    // Deleting asks twice; only the third line does it.
    await typed('/profile delete');
    await settle(() => expect(term.lastFrame()).toContain('Next: /profile delete personal'));
    await typed('/profile delete personal');
    await settle(() => expect(term.lastFrame()).toContain('It cannot be undone: /profile delete personal yes'));
    expect(existsSync(join(profilesDir(peer.home), personal.profileId))).toBe(true);
    await typed('/profile delete personal yes');
    await settle(() => expect(term.lastFrame()).toContain('Profile deleted from this device'));
    expect(existsSync(join(profilesDir(peer.home), personal.profileId))).toBe(false);
    expect(store.getState().profile?.profileId).toBe(work.profileId);
    expect(term.lastFrame()).not.toContain('◉');
    expect(term.lastFrame()).toContain(`Your address: ${work.onion}`);

    await typed('/profile delete');
    await typed('/profile delete work');
    await typed('/profile delete work yes');
    // None left: the create form of a first run.
    await settle(() => expect(store.getState().profile).toBeUndefined());
    await settle(() => expect(term.lastFrame()).toMatch(/Create/));
    expect(store.getState().conversations.size).toBe(0);
  }, 60_000);
});
