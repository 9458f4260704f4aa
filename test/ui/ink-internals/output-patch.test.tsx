import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Ink's own redraw (the 'ink' renderer) draws nothing until exit under CI; run it as the app does (src/app/main.ts
// sets the same before loading the UI). Hoisted above the imports.
const originalCi = vi.hoisted(() => {
  const was = process.env['CI'];
  process.env['CI'] = 'false';
  return was;
});
afterAll(() => {
  if (originalCi === undefined) delete process.env['CI'];
  else process.env['CI'] = originalCi;
});

// fastGet is on Ink's Output class only while a TUI is mounted and only behind the gate: importing the UI changes
// nothing in Ink, mountTui(...).close() gives Ink its own get() back, and with the gate closed (an unverified Ink)
// or the 'ink' renderer Ink's own get() draws — the same screens.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { act, type ReactElement } from 'react';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { App } from '../../../src/ui/App.js';
import { mountTui, type MountedTui, type TuiRenderer } from '../../../src/ui/index.js';
import { overrideInkGate } from '../../../src/ui/ink-internals/gate.js';
import { inkOutput, installInkOutput } from '../../../src/ui/ink-internals/output-patch.js';
import { createUiStore } from '../../../src/ui/view-model/ui-store.js';
import { at, contactEvent, ME, messageEvent, onion, profileEvent } from '../helpers/fixtures.js';
import { FakeStdin } from '../helpers/fake-stdin.js';
import { FakeStdout, KEYS } from '../helpers/render.js';
import { ScriptedEngine } from '../helpers/scripted-engine.js';
import { ScreenModel } from '../output/screen-model.js';

// Ink's Output class as Ink's renderer imports it, and its get() before any TUI was mounted: Ink's own.
const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));
const { default: Output } = (await import(pathToFileURL(join(inkBuild, 'output.js')).href)) as { default: { prototype: { get: unknown } } };
const INKS_OWN = Output.prototype.get;

afterEach(() => {
  overrideInkGate(undefined);
});

const A = onion(1);
const EVENTS: EngineEvent[] = [
  profileEvent(),
  contactEvent(1, 'alice 中文', { lastActivity: 5 }),
  contactEvent(2, 'bob 👍🏽', { unread: 3, lastActivity: 4 }),
  ...Array.from({ length: 60 }, (_, i) => messageEvent(A, i, { text: i % 7 === 0 ? `長い行 ${'ｗ'.repeat(i % 30)} 🎉` : `message ${i} ${'x'.repeat(i % 70)}`, from: i % 3 === 0 ? ME : A, outgoing: i % 3 === 0, time: at(9, 0) + i * 1000 })),
];
const STEPS = ['h', 'i', ' ', '中', KEYS.pageUp, KEYS.pageUp, KEYS.pageDown, KEYS.ctrlN, KEYS.ctrlU, '?', KEYS.esc];

interface Session {
  readonly tui: MountedTui;
  readonly stdout: FakeStdout;
  readonly stdin: FakeStdin;
}

async function start(renderer: TuiRenderer, columns = 80, rows = 24): Promise<Session> {
  const engine = new ScriptedEngine();
  const store = createUiStore(engine);
  for (const e of EVENTS) engine.emit(e);
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  let tui!: MountedTui;
  await act(async () => {
    tui = mountTui((<App store={store} onQuit={() => {}} />) as ReactElement, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      renderer,
      minFrameIntervalMs: 0,
    });
  });
  return { tui, stdout, stdin };
}

/** Every screen of a session through the frames renderer: the first, and one after each key. */
async function framesSession(during: () => void): Promise<string[][]> {
  const { tui, stdout, stdin } = await start('frames');
  const screen = new ScreenModel(stdout.columns, stdout.rows);
  let fed = 0;
  const look = (): string[] => {
    screen.feed(stdout.frames.slice(fed).join(''));
    fed = stdout.frames.length;
    return screen.lines();
  };
  const screens: string[][] = [];
  try {
    screens.push(look());
    for (const key of STEPS) {
      await act(async () => stdin.write(key));
      during();
      screens.push(look());
    }
  } finally {
    await act(async () => tui.close());
  }
  return screens;
}

describe('fastGet on Ink’s Output class', () => {
  it('importing the UI changes nothing in Ink; our handle on Output is Ink’s own class', () => {
    expect(Output.prototype.get).toBe(INKS_OWN);
    expect(inkOutput()?.Output).toBe(Output);
    expect(inkOutput()?.stockGet).toBe(INKS_OWN);
  });

  it('mountTui installs it and close() puts Ink’s own get() back (close twice changes nothing)', async () => {
    const { tui, stdout } = await start('frames');
    expect(Output.prototype.get).not.toBe(INKS_OWN);
    expect(stdout.frames.join('')).toContain('alice');
    await act(async () => {
      tui.close();
      tui.close();
    });
    expect(Output.prototype.get).toBe(INKS_OWN);
  });

  it('TUIs mounted at once share one; it stays until the last one closes', async () => {
    const a = await start('frames');
    const installed = Output.prototype.get;
    const b = await start('frames');
    expect(Output.prototype.get).toBe(installed);
    await act(async () => a.tui.close());
    expect(Output.prototype.get).toBe(installed);
    await act(async () => b.tui.close());
    expect(Output.prototype.get).toBe(INKS_OWN);
  });

  it('a restore() called twice does not take fastGet from another TUI still mounted', () => {
    const a = installInkOutput('fast');
    const b = installInkOutput('fast');
    expect(a.mode).toBe('fast');
    a.restore();
    a.restore();
    expect(Output.prototype.get).not.toBe(INKS_OWN);
    b.restore();
    expect(Output.prototype.get).toBe(INKS_OWN);
  });

  it('the gate closed (an unverified Ink): nothing is installed, and Ink’s own get() draws the same screens as fastGet', async () => {
    const fast = await framesSession(() => expect(Output.prototype.get).not.toBe(INKS_OWN));
    expect(Output.prototype.get).toBe(INKS_OWN);
    overrideInkGate({ open: false });
    expect(installInkOutput('fast').mode).toBe('stock');
    const stock = await framesSession(() => expect(Output.prototype.get).toBe(INKS_OWN));
    expect(stock).toEqual(fast);
    // The screens are the app's: contacts, the conversation, the composer and the help sheet all drawn.
    expect(fast[0]!.join('\n')).toContain('alice 中文');
    expect(fast[0]!.join('\n')).toContain('message 59');
    expect(fast[4]!.join('\n')).toContain('> hi 中');
    expect(fast.some((s) => s.join('\n').includes('Help — Esc closes'))).toBe(true);
  });

  it('the ink renderer (Ink as shipped) leaves Ink’s own get() in place and draws', async () => {
    const { tui, stdout, stdin } = await start('ink');
    try {
      expect(Output.prototype.get).toBe(INKS_OWN);
      await vi.waitFor(() => expect(stdout.frames.join('')).toContain('message 59'));
      await act(async () => stdin.write('x'));
      await vi.waitFor(() => expect(stdout.frames.join('')).toContain('> x'));
    } finally {
      await act(async () => tui.close());
    }
    expect(Output.prototype.get).toBe(INKS_OWN);
  });
});
