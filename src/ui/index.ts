// The UI's entry point for src/app: render the App against an engine and resolve when the user quits.
// Entering/leaving the alternate screen is the app's job (terminal.ts has the sequences).

import { render, type Instance } from 'ink';
import { createElement, type ReactElement } from 'react';
import type { EngineApi } from '../core/api/engine.js';
import { App } from './App.js';
import { noColorFromEnv } from './components/theme.js';
import { BELL } from './terminal.js';
import type { UiSettingsStore } from '../core/api/ui-settings.js';
import { installInkOutput } from './ink-internals/output-patch.js';
import { createFrameOutput, type TerminalOut } from './output/frame-writer.js';
import { createUiStore } from './view-model/ui-store.js';

export { enterTerminal, leaveTerminal } from './terminal.js';

/**
 * How Ink draws when it draws to the terminal itself (the 'ink' renderer, the fallback). Ink's incremental
 * rendering is OFF: in a real tmux it left stale lines on screens shorter than the terminal (vadimdemedes/ink#781).
 */
export const TUI_RENDER_OPTIONS = { incrementalRendering: false } as const;

/**
 * 'frames' (default): Ink renders whole frames into our FrameWriter, which rewrites only the changed rows with
 * absolute cursor moves (~100–200 B per typed key at 120x40). 'ink': Ink's own full redraw (~4.4 KB per key),
 * kept as a fallback; CWTCH_TUI_RENDER=ink selects it.
 */
export type TuiRenderer = 'frames' | 'ink';

export function rendererFromEnv(env: Readonly<Record<string, string | undefined>>): TuiRenderer {
  return env['CWTCH_TUI_RENDER'] === 'ink' ? 'ink' : 'frames';
}

export interface MountOptions {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly renderer?: TuiRenderer;
  /** Least time between frame writes when frames queue up; 0 writes each at once (bench). */
  readonly minFrameIntervalMs?: number;
  /** Frames renderer: bracket frames in synchronised-update marks; defaults to "stdout is a TTY". */
  readonly synchronize?: boolean;
}

export interface MountedTui {
  readonly instance: Instance;
  /** Stop drawing, unmount, and give Ink's Output class its own get() back (ink-internals/). Idempotent. */
  close(): void;
}

/**
 * Render `el` to a terminal the way the app does. With the frames renderer Ink runs in debug mode against
 * an InkScreen (whole frames, no erase codes of its own); CI in the environment changes nothing there except
 * that Ink stops listening for resizes, so a resize here always re-renders.
 * Example: `const tui = mountTui(<App …/>, {}); …; tui.close()`.
 */
export function mountTui(el: ReactElement, opts: MountOptions = {}): MountedTui {
  const common: CommonRenderOptions = {
    ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    // Ctrl+C clears the composer; it must never kill the process from inside the UI.
    exitOnCtrlC: false,
    patchConsole: false,
  };
  const stdout = opts.stdout ?? process.stdout;
  // The fallback is Ink as shipped, frame building included; the default builds Ink's frames with fastGet, on Ink's
  // Output class until close() (ink-internals/: only for the Ink release it was verified against).
  const inkOutput = installInkOutput(opts.renderer === 'ink' ? 'stock' : 'fast');
  try {
    return opts.renderer === 'ink' ? mountInk(el, common, stdout, opts, inkOutput.restore) : mountFrames(el, common, stdout, opts, inkOutput.restore);
  } catch (e) {
    inkOutput.restore();
    throw e;
  }
}

type CommonRenderOptions = { readonly stdin?: NodeJS.ReadStream; readonly exitOnCtrlC: false; readonly patchConsole: false };

function mountInk(el: ReactElement, common: CommonRenderOptions, stdout: NodeJS.WriteStream, opts: MountOptions, restore: () => void): MountedTui {
  // The interval maps onto Ink's own throttle (30 fps unless asked; 0 lifts it, as the bench does).
  const fps = opts.minFrameIntervalMs === undefined ? {} : { maxFps: opts.minFrameIntervalMs <= 0 ? 1000 : Math.ceil(1000 / opts.minFrameIntervalMs) };
  const instance = render(el, { ...common, stdout, ...TUI_RENDER_OPTIONS, ...fps });
  return {
    instance,
    close: () => {
      try {
        instance.unmount();
      } finally {
        restore();
      }
    },
  };
}

function mountFrames(el: ReactElement, common: CommonRenderOptions, stdout: NodeJS.WriteStream, opts: MountOptions, restore: () => void): MountedTui {
  const output = createFrameOutput(stdout as unknown as TerminalOut, {
    ...(opts.minFrameIntervalMs !== undefined ? { minIntervalMs: opts.minFrameIntervalMs } : {}),
    ...(opts.synchronize !== undefined ? { synchronize: opts.synchronize } : {}),
  });
  const instance = render(el, { ...common, stdout: output.screen as unknown as NodeJS.WriteStream, debug: true });
  // Ink subscribes to resizes only outside CI; re-rendering here makes both cases lay out for the new size.
  const relayout = (): void => instance.rerender(el);
  output.screen.on('resize', relayout);
  let closed = false;
  return {
    instance,
    close: () => {
      if (closed) return;
      closed = true;
      output.screen.off('resize', relayout);
      try {
        // Close first: Ink's last render while unmounting (and under CI a stray newline) must not reach the screen.
        output.close();
        instance.unmount();
      } finally {
        // After Ink's last render: Ink's Output class is Ink's own again.
        restore();
      }
    },
  };
}

export interface RunTuiOptions {
  readonly lowBandwidth?: boolean;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Environment for NO_COLOR and CWTCH_TUI_RENDER; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `/set` keeps the UI settings (and where they are read from at start); default: this session only. */
  readonly settings?: UiSettingsStore;
}

/**
 * Draw the TUI until the user quits (Ctrl+D on an empty line, or /quit). The quit command is sent to
 * the engine before this resolves.
 * Example: `await runTui(engine, {lowBandwidth: true})`.
 */
export async function runTui(engine: EngineApi, opts: RunTuiOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const store = createUiStore(engine, { lowBandwidth: opts.lowBandwidth ?? false, ...(opts.settings !== undefined ? { settings: opts.settings } : {}) });
  const out = opts.stdout ?? process.stdout;
  let quit: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const tui = mountTui(createElement(App, { store, noColor: noColorFromEnv(env), onBell: () => void out.write(BELL), onQuit: () => quit() }), {
    ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    ...(opts.stdout !== undefined ? { stdout: opts.stdout } : {}),
    renderer: rendererFromEnv(env),
  });
  try {
    await Promise.race([done, tui.instance.waitUntilExit()]);
  } finally {
    tui.close();
    store.dispose();
  }
}
