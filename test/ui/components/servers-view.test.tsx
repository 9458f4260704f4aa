// The servers view (/server), group commands and the gap count in the contact list, through Ink with a scripted
// engine (TEST DOUBLE, helpers/scripted-engine.ts). The real-engine path is test/ui/app-real-engine.test.tsx.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { fingerprintOf } from '../../../src/ui/view-model/identity.js';
import { contactEvent, ME, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';
import { KEYS } from '../helpers/render.js';
import { useScriptedApp, type ScriptedApp } from '../helpers/scripted-app.js';

const startApp = useScriptedApp();

const G = 'c'.repeat(32);
const S = onion(61);
const S2 = onion(62);
const A = onion(1);

const world: EngineEvent[] = [
  profileEvent(),
  contactEvent(1, 'ann'),
  { event: 'server', onion: S, imported: true },
  { event: 'server', onion: S2, imported: true },
  { event: 'server-state', server: S, state: 'Synced' },
  { event: 'group', groupId: G, position: nextPosition(), name: 'club', server: S, invite: '' },
  messageEvent(G, 1, { from: A, signature: 'sig1' }),
  messageEvent(G, 2, { from: A, signature: 'sig2' }),
  messageEvent(G, 3, { from: ME, outgoing: true, signature: 'sig3' }),
  // The same message again (a replay) is not counted twice.
  messageEvent(G, 1, { from: A, signature: 'sig1' }),
  { event: 'bytes', scope: 'server', key: S, sent: 2048, received: 12_000 },
  { event: 'gap', group: G, gapId: 'g1', before: 'm1', after: 'm2', cause: 'withheld' },
];

const start = (events: readonly EngineEvent[]): Promise<ScriptedApp> => startApp(events, { size: { columns: 140, rows: 24 } });

describe('servers view', () => {
  it('/server lists each server: state, bytes each way, fetched vs ours, groups and open gaps', async () => {
    const { term } = await start(world);
    await term.press('/server');
    await term.press(KEYS.enter);
    const f = term.lastFrame();
    expect(f).toContain('Servers');
    expect(f).toContain('Low-bandwidth mode off');
    expect(f).toContain(`#${fingerprintOf(S).short} Synced · ↑ 2 kB ↓ 12 kB · 2 fetched, 1 ours`);
    expect(f).toContain('1 group · ⟂ 1 gap open');
    expect(f).toContain(`#${fingerprintOf(S2).short} Disconnected · ↑ 0 B ↓ 0 B · 0 fetched, 0 ours`);
    await term.press(KEYS.esc);
    expect(term.lastFrame()).not.toContain('fetched');
  });

  it('Alt+S opens the servers view from the composer, the help sheet lists it and the status line hints it', async () => {
    const { term } = await start(world);
    expect(term.lastFrame()).toContain('(Alt+S)');
    await term.press(KEYS.alt('s'));
    expect(term.lastFrame()).toContain(`#${fingerprintOf(S).short} Synced`);
    expect(term.lastFrame()).toContain('fetched');
    await term.press(KEYS.esc);
    await term.press(KEYS.ctrlSlash);
    // The sheet scrolls when the terminal is shorter than it: page down until the row is on screen.
    for (let i = 0; i < 5 && !/Alt\+S\s+servers: state, bytes, sync now/.test(term.lastFrame()); i++) await term.press(KEYS.pageDown);
    expect(term.lastFrame()).toMatch(/Alt\+S\s+servers: state, bytes, sync now/);
  });

  it('"s" syncs the selected server (the same command as /sync); low-bandwidth mode is shown', async () => {
    const { engine, term } = await start([...world, { event: 'lowbw', on: true }]);
    await term.press('/server');
    await term.press(KEYS.enter);
    expect(term.lastFrame()).toContain('Low-bandwidth mode ON');
    await term.press(KEYS.down);
    await term.press('s');
    const sorted = [S, S2].sort();
    expect(engine.commands).toEqual([{ cmd: 'sync', server: sorted[1] }]);
    expect(term.lastFrame()).not.toContain('fetched');
  });

  it('a group row in the contact list counts its open gaps, and the count goes when the gap closes', async () => {
    const { engine, term } = await start(world);
    const row = (): string => term.lastFrame().split('\n').find((l) => l.includes('club'))!;
    expect(row()).toContain('⟂1');
    await term.run(() => engine.emit({ event: 'gap-closed', group: G, gapId: 'g1', closedBy: 'server' }));
    expect(row()).not.toContain('⟂');
  });

  it('/group creates a group on a server; /invite in a group conversation invites a contact to it', async () => {
    const { engine, term } = await start(world);
    await term.press(`/group ${S} book club`);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'create-group', server: S, name: 'book club' }]);
    // Open the group (the switcher), then invite ann from its composer.
    await term.press(KEYS.ctrlK);
    await term.press('club');
    await term.press(KEYS.enter);
    await term.press(`/invite ${A}`);
    await term.press(KEYS.enter);
    expect(engine.commands.at(-1)).toEqual({ cmd: 'invite', to: A, group: G });
  });
});
