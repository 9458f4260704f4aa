// The UI's entry point for src/app: render the App against an engine and resolve when the user quits.
// Entering/leaving the alternate screen is the app's job (terminal.ts has the sequences).

import { render } from 'ink';
import { createElement } from 'react';
import type { EngineApi } from '../core/api/engine.js';
import { App } from './App.js';
import { themeFromEnv } from './components/theme.js';
import { createUiStore } from './view-model/ui-store.js';

export { enterTerminal, leaveTerminal } from './terminal.js';

/**
 * How Ink draws. Incremental rendering (only changed lines rewritten, ~160 B per key instead of ~4 KB) is OFF: in a
 * real tmux it left stale lines on screens shorter than the terminal (unlock form, contact rows). MainView stays one
 * row short so it can be turned back on once Ink erases correctly.
 */
export const TUI_RENDER_OPTIONS = { incrementalRendering: false } as const;

export interface RunTuiOptions {
  readonly lowBandwidth?: boolean;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Environment for NO_COLOR; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Draw the TUI until the user quits (Ctrl+D on an empty line, or /quit). The quit command is sent to
 * the engine before this resolves.
 * Example: `await runTui(engine, {lowBandwidth: true})`.
 */
export async function runTui(engine: EngineApi, opts: RunTuiOptions = {}): Promise<void> {
  const store = createUiStore(engine, { lowBandwidth: opts.lowBandwidth ?? false });
  let quit: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const instance = render(createElement(App, { engine, store, theme: themeFromEnv(opts.env ?? process.env), onQuit: () => quit() }), {
    ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    ...(opts.stdout !== undefined ? { stdout: opts.stdout } : {}),
    ...TUI_RENDER_OPTIONS,
    // Ctrl+C clears the composer; it must never kill the process from inside the UI.
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await Promise.race([done, instance.waitUntilExit()]);
  } finally {
    instance.unmount();
    store.dispose();
  }
}
