// /leave and /rename in the Ink UI, with a scripted engine (TEST DOUBLE, helpers/scripted-engine.ts) answering
// exactly as the engine's contract says: leave-group → group-left; rename → the contact/group event again.

import { describe, expect, it } from 'vitest';
import type { EngineCommand } from '../../../src/core/api/commands.js';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { contactEvent, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';
import { KEYS, type TestTerminal } from '../helpers/render.js';
import { useScriptedApp, type ScriptedApp } from '../helpers/scripted-app.js';

const startApp = useScriptedApp();

const G = 'c'.repeat(32);
const S = onion(61);
const A = onion(1);

function answer(c: EngineCommand): EngineEvent[] {
  if (c.cmd === 'leave-group') return [{ event: 'group-left', groupId: c.group }];
  if (c.cmd === 'rename' && c.conversation === A) return [contactEvent(1, c.name)];
  if (c.cmd === 'rename' && c.conversation === G) return [{ event: 'group', groupId: G, position: nextPosition(), name: c.name, server: S, invite: '' }];
  return [];
}

const start = (): Promise<ScriptedApp> =>
  startApp([
    profileEvent(),
    contactEvent(1, 'ann', { lastActivity: 1 }),
    { event: 'group', groupId: G, position: nextPosition(), name: 'club', server: S, invite: '' },
    messageEvent(G, 1, { from: A, signature: 'sig1', time: 10_000 }),
  ] as EngineEvent[], { size: { columns: 120, rows: 24 }, respond: answer });

const typeLine = async (t: TestTerminal, line: string): Promise<void> => {
  await t.press(line);
  await t.press(KEYS.enter);
};

/** Open a conversation through the quick switcher. */
async function openByName(t: TestTerminal, name: string): Promise<void> {
  await t.press(KEYS.ctrlK);
  await t.press(name);
  await t.press(KEYS.enter);
}

describe('/leave and /rename', () => {
  it('/leave in a group asks first; /leave yes leaves; the group goes and the selection moves on', async () => {
    const { engine, term: t } = await start();
    await openByName(t, 'club');
    expect(t.lastFrame()).toContain('message 1');
    await typeLine(t, '/leave');
    expect(engine.commands).toEqual([]);
    expect(t.lastFrame()).toContain('Leave “club”? Its messages on this device are deleted, and there is no undo. Type /leave yes to leave.');
    await typeLine(t, '/leave yes');
    expect(engine.commands).toEqual([{ cmd: 'leave-group', group: G }]);
    expect(t.lastFrame()).not.toContain('club');
    expect(t.lastFrame()).not.toContain('message 1');
    // ann is open now: text goes to her.
    await typeLine(t, 'still here');
    expect(engine.commands.at(-1)).toEqual({ cmd: 'send', to: A, text: 'still here' });
  });

  it('/leave with no group open says how to use it', async () => {
    const { engine, term: t } = await start();
    await openByName(t, 'ann');
    await typeLine(t, '/leave');
    expect(engine.commands).toEqual([]);
    expect(t.lastFrame()).toContain('/leave [group id] [yes]');
  });

  it('/rename names the open contact; the new name shows once the engine says so', async () => {
    const { engine, term: t } = await start();
    await openByName(t, 'ann');
    await typeLine(t, '/rename Ann from work');
    expect(engine.commands).toEqual([{ cmd: 'rename', conversation: A, name: 'Ann from work' }]);
    expect(t.lastFrame()).toContain('Ann from work');
  });
});
