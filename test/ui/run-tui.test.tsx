import { afterAll, describe, expect, it, vi } from 'vitest';

// Ink reads CI at import time and then draws nothing until exit; runTui is interactive, so this file runs
// Ink as the app does (src/app/main.ts sets the same before loading the UI). Hoisted above the imports.
const originalCi = vi.hoisted(() => {
  const was = process.env['CI'];
  process.env['CI'] = 'false';
  return was;
});
afterAll(() => {
  if (originalCi === undefined) delete process.env['CI'];
  else process.env['CI'] = originalCi;
});

import { act } from 'react';
import { render } from 'ink';
import { runTui } from '../../src/ui/index.js';
import { noColorFromEnv, themeFor } from '../../src/ui/components/theme.js';
import { SafeTextView } from '../../src/ui/components/SafeTextView.js';
import { ThemeContext } from '../../src/ui/components/theme.js';
import { BELL, BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, enterTerminal, leaveTerminal } from '../../src/ui/terminal.js';
import { uiText } from '../../src/ui/text.js';
import { contactEvent, messageEvent, onion, profileEvent } from './helpers/fixtures.js';
import { FakeStdin } from './helpers/fake-stdin.js';
import { FakeStdout, KEYS } from './helpers/render.js';
import { ScriptedEngine } from './helpers/scripted-engine.js';

describe('runTui', () => {
  it('renders, and resolves after Ctrl+D on an empty line with the quit command sent', async () => {
    const engine = new ScriptedEngine();
    const stdout = new FakeStdout(100, 24);
    const stdin = new FakeStdin();
    let done = false;
    let p!: Promise<void>;
    await act(async () => {
      p = runTui(engine, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, env: {} }).then(() => {
        done = true;
      });
    });
    await act(async () => engine.emit(profileEvent()));
    // runTui renders like the real app (the frame writer, first frame at once, later ones coalesced): wait for it.
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('No contacts yet'));
    expect(done).toBe(false);
    await act(async () => stdin.write(KEYS.ctrlD));
    await p;
    expect(done).toBe(true);
    expect(engine.commands).toEqual([{ cmd: 'quit' }]);
  });

  // The frame writer addresses rows (CSI row;1H); Ink's log-update erases lines (CSI 2K).
  it.each([
    // eslint-disable-next-line no-control-regex -- matching ESC is the point
    ['frames', {}, /\u001b\[\d+;1H/],
    // eslint-disable-next-line no-control-regex -- matching ESC is the point
    ['ink', { CWTCH_TUI_RENDER: 'ink' }, /\u001b\[2K/],
  ] as const)('draws with the %s renderer (CWTCH_TUI_RENDER) and quits', async (_name, env, marker) => {
    const engine = new ScriptedEngine();
    const stdout = new FakeStdout(100, 24);
    const stdin = new FakeStdin();
    let p!: Promise<void>;
    await act(async () => {
      p = runTui(engine, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, env });
    });
    await act(async () => engine.emit(profileEvent()));
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('No contacts yet'));
    await act(async () => stdin.write('x'));
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('> x'));
    expect(stdout.frames.join('')).toMatch(marker);
    await act(async () => stdin.write('\u0015')); // Ctrl+U empties the draft, so Ctrl+D quits
    await act(async () => stdin.write(KEYS.ctrlD));
    await p;
    expect(engine.commands).toEqual([{ cmd: 'quit' }]);
  });
});

describe('runTui: the bell', () => {
  it('writes BEL to the terminal for a message in another conversation once /set bell on', async () => {
    const engine = new ScriptedEngine();
    const stdout = new FakeStdout(100, 24);
    const stdin = new FakeStdin();
    let p!: Promise<void>;
    await act(async () => {
      p = runTui(engine, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, env: {} });
    });
    await act(async () => {
      engine.emit(profileEvent());
      engine.emit(contactEvent(1, 'bob'));
      engine.emit(contactEvent(2, 'carol'));
    });
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('carol'));
    const bel = (): number => stdout.frames.filter((f) => f.includes(BELL)).length;
    await act(async () => engine.emit(messageEvent(onion(2), 1)));
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('act 2'));
    expect(bel()).toBe(0);
    for (const k of ['/set bell on', KEYS.enter]) await act(async () => stdin.write(k));
    await vi.waitFor(() => expect(stdout.frames.join('')).toContain('bell is on'));
    await act(async () => engine.emit(messageEvent(onion(2), 2)));
    await vi.waitFor(() => expect(bel()).toBe(1));
    await act(async () => stdin.write(KEYS.ctrlD));
    await p;
  });
});

describe('NO_COLOR', () => {
  it('any non-empty NO_COLOR turns colour off, whatever the theme setting', () => {
    expect(noColorFromEnv({})).toBe(false);
    expect(noColorFromEnv({ NO_COLOR: '' })).toBe(false);
    expect(noColorFromEnv({ NO_COLOR: '1' })).toBe(true);
    expect(themeFor('dark', false)).toEqual({ colour: true });
    expect(themeFor('light', false)).toEqual({ colour: true, light: true });
    expect(themeFor('light', true)).toEqual({ colour: false });
    expect(themeFor('none', false)).toEqual({ colour: false });
  });

  it('SafeTextView drops colours when the theme says so', async () => {
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    chalk.level = 3;
    try {
      const frame = async (colour: boolean): Promise<string> => {
        const stdout = new FakeStdout(40, 5);
        let inst!: ReturnType<typeof render>;
        await act(async () => {
          inst = render(
            <ThemeContext.Provider value={{ colour }}>
              <SafeTextView text={uiText('hello')} color="red" />
            </ThemeContext.Provider>,
            { stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false },
          );
        });
        inst.unmount();
        return stdout.frames.join('');
      };
      expect(await frame(true)).toContain('\u001b[31m');
      expect(await frame(false)).not.toContain('\u001b[31m');
    } finally {
      chalk.level = level;
    }
  });
});

describe('SafeTextView', () => {
  it('refuses a plain string at compile time (npm test typechecks this file)', () => {
    const fromNetwork: string = 'raw';
    // @ts-expect-error a string from the network is not SafeText
    const el = <SafeTextView text={fromNetwork} />;
    expect(el.props.text).toBe('raw');
  });
});

describe('terminal.ts', () => {
  it('enter/leave are symmetric: alternate screen, bracketed paste, cursor hidden', () => {
    expect(enterTerminal()).toBe('\u001b[?1049h' + BRACKETED_PASTE_ON + '\u001b[?25l');
    expect(leaveTerminal()).toBe('\u001b[?25h' + BRACKETED_PASTE_OFF + '\u001b[?1049l');
  });
});
