// Conversation numbers survive a restart, on REAL engines: alice adds carol, then bob; bob writes last, so the
// engine's unlock snapshot lists him first (most recent activity), yet after the restart carol is still 1 and bob 2,
// because numbers follow the order conversations were added (the events' `position`), not the snapshot's.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS } from './helpers/render.js';
import { scratch, settle } from './helpers/real-engine.js';
import { realSides } from './helpers/real-sides.js';
import { befriend, createProfileByKeys } from './helpers/real-tui.js';

let dir: ReturnType<typeof scratch>;
const sides = realSides(() => dir, { columns: 100, rows: 24 });
const side = sides.open;
const closeSide = sides.close;

beforeAll(() => {
  dir = scratch('cwtch-ui-numbers-');
});
afterAll(async () => {
  await sides.closeAll();
  dir.dispose();
});

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
