// The App on a scripted engine (TEST DOUBLE, scripted-engine.ts) in an in-memory terminal: the set-up most
// component tests share. useScriptedApp() registers the afterEach that unmounts whatever the test started.

import { afterEach } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { App } from '../../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../../src/ui/view-model/ui-store.js';
import { renderTerminal, type TestTerminal } from './render.js';
import { ScriptedEngine } from './scripted-engine.js';

export interface ScriptedApp {
  readonly engine: ScriptedEngine;
  readonly store: UiStore;
  readonly term: TestTerminal;
  /** How often the App asked to quit. */
  quits(): number;
}

export interface ScriptedAppOptions {
  readonly size?: { columns?: number; rows?: number };
  /** The engine's answers to commands. */
  readonly respond?: ConstructorParameters<typeof ScriptedEngine>[0];
  readonly colour?: boolean;
}

/** Example: `const start = useScriptedApp(); … const { engine, term } = await start([profileEvent()], { size: { columns: 120 } });` */
export function useScriptedApp(): (events?: readonly EngineEvent[], opts?: ScriptedAppOptions) => Promise<ScriptedApp> {
  let term: TestTerminal | undefined;
  afterEach(() => {
    term?.unmount();
    term = undefined;
  });
  return async (events = [], opts = {}) => {
    const engine = new ScriptedEngine(opts.respond);
    const store = createUiStore(engine);
    let quits = 0;
    for (const e of events) engine.emit(e);
    term = await renderTerminal(<App store={store} noColor={!(opts.colour ?? false)} onQuit={() => quits++} />, opts.size ?? {});
    return { engine, store, term, quits: () => quits };
  };
}
