// UI settings (/set) on the TUI wired to REAL engines on the local network, kept in a REAL settings file (conf):
// the bell for a message elsewhere (off by default, never for the open or a muted conversation), relative and
// 12-hour times, the vim key style, the settings view, Tab completion, and the light theme after a restart.

import { act } from 'react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUiSettings } from '../../src/profile/ui-settings.js';
import { App } from '../../src/ui/App.js';
import { BELL } from '../../src/ui/terminal.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { befriend, createProfileByKeys } from './helpers/real-tui.js';

interface Side {
  readonly peer: RealPeer;
  readonly store: UiStore;
  term: TestTerminal;
}

let dir: ReturnType<typeof scratch>;
let settingsDir: string;
const sides: Side[] = [];

beforeAll(() => {
  dir = scratch('cwtch-ui-settings-');
  settingsDir = join(dir.root, 'config');
});
afterAll(async () => {
  for (const s of sides) {
    await act(async () => s.term.unmount());
    s.store.dispose();
    await s.peer.close();
  }
  dir.dispose();
});

async function open(name: string, opts: { colour?: boolean; peer?: RealPeer } = {}): Promise<Side> {
  const peer = opts.peer ?? realPeer(dir.root, dir.net, name);
  const store = createUiStore(new ActGate(peer.engine), { settings: openUiSettings({ cwd: settingsDir }) });
  peer.reportStatus();
  const side: Side = { peer, store, term: undefined as unknown as TestTerminal };
  // The bell goes to the terminal as the app sends it (runTui writes BELL to stdout).
  side.term = await renderTerminal(<App store={store} noColor={opts.colour !== true} onBell={() => void side.term.stdout.write(BELL)} onQuit={() => {}} />, { columns: 120, rows: 30 });
  sides.push(side);
  return side;
}

const createProfile = (s: Side, name: string): Promise<void> => createProfileByKeys(s, name, `${name}-pw`);

const bells = (s: Side): number => s.term.stdout.frames.filter((f) => f === BELL).length;

async function say(from: Side, to: Side, text: string): Promise<void> {
  await from.term.press(text);
  await from.term.press(KEYS.enter);
  const onion = from.store.getState().profile!.onion;
  await settle(() => {
    const m = to.store.getState().messages.get(onion);
    expect(m?.at(m.length - 1)?.text).toBe(text);
  });
}

async function typed(s: Side, line: string): Promise<void> {
  await s.term.press(line);
  await s.term.press(KEYS.enter);
}

describe('UI settings on real engines', () => {
  it('bell, times, keys, the settings view and completion; kept in the settings file', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    const carol = await open('carol');
    await createProfile(alice, 'alice');
    await createProfile(bob, 'bob');
    await createProfile(carol, 'carol');
    const { onionB: onionBob } = await befriend(alice, bob);
    const { onionB: onionCarol } = await befriend(alice, carol);
    // Alice opens bob (Alt+1, the first conversation); carol's news arrives elsewhere.
    await alice.term.press(KEYS.alt('1'));
    await settle(() => expect(alice.term.lastFrame()).toMatch(/ {2}bob #\S+ · /));

    // Off by default: a message in another conversation rings nothing.
    await say(carol, alice, 'hello from carol');
    expect(bells(alice)).toBe(0);

    // Tab completes the setting's name, then its value.
    await alice.term.press('/set be');
    await alice.term.press(KEYS.tab);
    await alice.term.press('o');
    await alice.term.press(KEYS.tab);
    await settle(() => expect(alice.term.lastFrame()).toMatch(/off {2}on\n> \/set bell o/));
    await alice.term.press('n');
    await settle(() => expect(alice.term.lastFrame()).toContain('> /set bell on'));
    await alice.term.press(KEYS.enter);
    await settle(() => expect(alice.term.lastFrame()).toContain('bell is on (kept in'));
    const file = openUiSettings({ cwd: settingsDir }).path;
    expect(JSON.parse(readFileSync(file, 'utf8')).bell).toBe('on');

    // The open conversation never rings.
    await say(bob, alice, 'hello from bob');
    expect(bells(alice)).toBe(0);

    // A muted one never rings.
    await alice.term.press(KEYS.ctrlN);
    await settle(() => expect(alice.term.lastFrame()).toContain('hello from carol'));
    await typed(alice, '/mute on');
    await settle(() => expect(alice.store.getState().conversations.get(onionCarol)?.muted).toBe(true));
    await alice.term.press(KEYS.ctrlP);
    await settle(() => expect(alice.term.lastFrame()).toContain('hello from bob'));
    await say(carol, alice, 'muted news');
    expect(bells(alice)).toBe(0);

    // Unmuted, elsewhere, the bell on: it rings, once.
    await alice.term.press(KEYS.ctrlN);
    await typed(alice, '/mute off');
    await settle(() => expect(alice.store.getState().conversations.get(onionCarol)?.muted).toBeUndefined());
    await alice.term.press(KEYS.ctrlP);
    await settle(() => expect(alice.term.lastFrame()).toContain('hello from bob'));
    await say(carol, alice, 'ring for this');
    await settle(() => expect(bells(alice)).toBe(1));

    // Times: relative within the day, then a 12-hour clock.
    await typed(alice, '/set timestamps relative');
    await settle(() => expect(alice.term.lastFrame()).toMatch(/now bob/));
    await typed(alice, '/set timestamps absolute');
    await typed(alice, '/set clock 12h');
    await settle(() => expect(alice.term.lastFrame()).toMatch(/\d{1,2}:\d\d[ap]m bob/));

    // Key style: vim's Alt+J goes to the next conversation.
    await typed(alice, '/set keys vim');
    await settle(() => expect(alice.term.lastFrame()).toContain('keys is vim'));
    expect(alice.term.lastFrame()).toContain('hello from bob');
    await alice.term.press(KEYS.alt('j'));
    await settle(() => expect(alice.term.lastFrame()).toContain('ring for this'));
    await alice.term.press(KEYS.alt('k'));
    await settle(() => expect(alice.term.lastFrame()).toContain('hello from bob'));

    // A value that is not one of the setting's says which are.
    await typed(alice, '/set theme neon');
    await settle(() => expect(alice.term.lastFrame()).toContain('theme is one of dark, light, none'));

    // /set alone lists them as they are now.
    await typed(alice, '/set');
    await settle(() => expect(alice.term.lastFrame()).toMatch(/bell\s+on\s+off\|on/));
    expect(alice.term.lastFrame()).toMatch(/clock\s+12h/);
    await alice.term.press(KEYS.esc);

    await typed(alice, '/set theme light');
    await settle(() => expect(alice.term.lastFrame()).toContain('theme is light'));
    expect(openUiSettings({ cwd: settingsDir }).get()).toEqual({ theme: 'light', keys: 'vim', timestamps: 'absolute', clock: '12h', lowbw: 'off', bell: 'on' });
    expect(onionBob).not.toBe(onionCarol);
  });

  it('a new session starts with the kept settings: the light theme draws its own colours', async () => {
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    chalk.level = 3;
    try {
      const dave = await open('dave', { colour: true });
      await createProfile(dave, 'dave');
      await typed(dave, '/set');
      await settle(() => expect(dave.term.lastFrame()).toMatch(/theme\s+light/));
      await dave.term.press(KEYS.esc);
      await settle(() => expect(dave.term.lastFrame()).toContain('Tor ready'));
      const all = dave.term.stdout.frames.join('');
      // "Tor ready" in the light theme's green (#005f00), never the dark theme's plain ANSI green, yellow or cyan.
      expect(all).toContain('\u001b[38;2;0;95;0m');
      for (const plain of ['32', '33', '36']) expect(all).not.toContain(`\u001b[${plain}m`);
    } finally {
      chalk.level = level;
    }
  });
});
