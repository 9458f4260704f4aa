// Readline editing through Ink's real key parser: Backspace (0x7f) and Delete (ESC[3~) are both `key.delete` to
// Ink, and only the raw sequence (ink-internals/use-raw-keys.ts) tells them apart. The scripted engine is a TEST
// DOUBLE.

import { afterEach, describe, expect, it } from 'vitest';
import { overrideInkGate } from '../../../src/ui/ink-internals/gate.js';
import { contactEvent, onion, profileEvent } from '../helpers/fixtures.js';
import { KEYS } from '../helpers/render.js';
import { useScriptedApp, type ScriptedApp } from '../helpers/scripted-app.js';

const startApp = useScriptedApp();
afterEach(() => {
  overrideInkGate(undefined);
});

const LEFT = '\u001b[D';
const HOME = '\u001b[H';
const DELETE = '\u001b[3~';
const ALT_BACKSPACE = '\u001b\u007f';

const start = (): Promise<ScriptedApp> => startApp([profileEvent(), contactEvent(1, 'ann')], { size: { columns: 100, rows: 20 } });

describe('composer editing through Ink', () => {
  it('Delete removes the character under the cursor, Backspace the one before it', async () => {
    const { engine, term } = await start();
    await term.press('abcd');
    await term.press(LEFT);
    await term.press(LEFT);
    await term.press(DELETE);
    await term.press(KEYS.backspace);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'send', to: onion(1), text: 'ad' }]);
  });

  it('with the gate closed (an unverified Ink) keys are what Ink’s public useInput says: Delete is a Backspace', async () => {
    overrideInkGate({ open: false });
    const { engine, term } = await start();
    await term.press('abcd');
    await term.press(LEFT);
    await term.press(LEFT);
    await term.press(DELETE);
    await term.press(KEYS.backspace);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'send', to: onion(1), text: 'cd' }]);
  });

  it('Home, Ctrl+E, Alt+B, Alt+Backspace and Ctrl+K edit the line before it is sent', async () => {
    const { engine, term } = await start();
    await term.press('world');
    await term.press(HOME);
    await term.press('hello ');
    await term.press('\u0005'); // Ctrl+E
    await term.press(' again now');
    await term.press(KEYS.alt('b'));
    await term.press(KEYS.alt('b'));
    await term.press('\u000b'); // Ctrl+K: kill "again now"
    await term.press(ALT_BACKSPACE); // kill "world "
    expect(term.lastFrame()).toContain('> hello');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'send', to: onion(1), text: 'hello ' }]);
  });

  it('the cursor cell is drawn where the cursor is, and the line scrolls sideways to keep it in view', async () => {
    const { term } = await start();
    await term.press('x'.repeat(150));
    const line = term.lastFrame().split('\n').find((l) => l.includes('xxxx'))!;
    expect(line.startsWith('…')).toBe(true);
    await term.press(HOME);
    const again = term.lastFrame().split('\n').find((l) => l.includes('xxxx'))!;
    expect(again.startsWith('> x')).toBe(true);
  });
});
