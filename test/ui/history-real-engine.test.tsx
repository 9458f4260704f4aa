// What a profile stored reaches the screen after a restart: REAL engines on the local network exchange more
// messages than one history page, the receiving side's engine is closed and a new one opened on the same home, and
// the TUI, unlocked by keys, shows the newest message at once and the oldest after paging back (older pages read
// ahead as PgUp nears the oldest message read), in order, nothing twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUI_HISTORY_PAGE } from '../../src/core/limits.js';
import { KEYS } from './helpers/render.js';
import { scratch, settle } from './helpers/real-engine.js';
import { realSides } from './helpers/real-sides.js';
import { befriend, createProfileByKeys } from './helpers/real-tui.js';

let dir: ReturnType<typeof scratch>;
const sides = realSides(() => dir, { columns: 100, rows: 30 });
const side = sides.open;
const closeSide = sides.close;

beforeAll(() => {
  dir = scratch('cwtch-ui-history-');
});
afterAll(async () => {
  await sides.closeAll();
  dir.dispose();
});

describe('stored history in the TUI', () => {
  it('after a restart the newest message shows at once and paging back reaches the first', async () => {
    const total = TUI_HISTORY_PAGE + 60;
    let alice = await side('alice');
    const bob = await side('bob');
    await createProfileByKeys(alice, 'alice', 'alice-pw');
    await createProfileByKeys(bob, 'bob', 'bob-pw');
    const { onionA, onionB } = await befriend(alice, bob);
    for (let i = 0; i < total; i++) bob.peer.engine.command({ cmd: 'send', to: onionA, text: `note ${String(i).padStart(3, '0')}` });
    // Acknowledged by alice's engine: committed in her profile.
    await settle(() => expect(alice.store.getState().messages.get(onionB)?.length).toBe(total), 60_000);

    await closeSide(alice);
    alice = await side('alice');
    await alice.term.press('alice-pw');
    await alice.term.press(KEYS.enter);
    await settle(() => expect(alice.term.lastFrame()).toContain(`note ${String(total - 1).padStart(3, '0')}`));
    // One page read, not everything.
    expect(alice.store.getState().messages.get(onionB)?.length).toBe(TUI_HISTORY_PAGE);

    for (let i = 0; i < 200 && !alice.term.lastFrame().includes('note 000'); i++) {
      await alice.term.press(KEYS.pageUp);
      await settle(() => expect(alice.store.getState().historyLoaded?.get(onionB)?.state).not.toBe('loading'));
    }
    expect(alice.term.lastFrame()).toContain('note 000');
    const store = alice.store.getState().messages.get(onionB)!;
    expect(store.length).toBe(total);
    const texts = Array.from({ length: store.length }, (_, i) => store.at(i)!.text);
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => `note ${String(i).padStart(3, '0')}`));
    expect(alice.store.getState().historyLoaded?.get(onionB)?.state).toBe('all');
    // The top reached, the pane is full from the first message down.
    await alice.term.press(KEYS.pageDown);
    expect(alice.term.lastFrame()).not.toContain('note 000');
  }, 120_000);
});
