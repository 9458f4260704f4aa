// Linear mode (`cwtch-tui --linear`, or TERM=dumb): the same view model (ui-store) and the same commands as the Ink
// UI, spoken as plain appended lines for screen readers — no alternate screen, no box drawing, no spinners, no
// redraws, no colour. src/app starts it; it never sees sockets, keys or storage.

import type { EngineApi } from '../../core/api/engine.js';
import type { EngineEvent } from '../../core/api/events.js';
import { untrustedLine } from '../text.js';
import { createUiStore } from '../view-model/ui-store.js';
import { handleLine, INITIAL_LINEAR, type LinearLocal } from './line-commands.js';
import type { LinearIo } from './linear-io.js';
import type { UiSettingsStore } from '../../core/api/ui-settings.js';
import { Narrator } from './narrate.js';
import { firstRunUnlock, startUnlock, unlockError, unlockLine, type UnlockFlow, type UnlockOut } from './unlock-flow.js';

export interface RunLinearOptions {
  readonly io: LinearIo;
  readonly lowBandwidth?: boolean;
  /** Milliseconds since the epoch; default Date.now (message times are on the same clock). */
  readonly now?: () => number;
  /** Profiles in the home folder (the engine's count): 0 starts by creating one instead of asking. */
  readonly profileCount?: number;
  /** Where `/set` keeps the UI settings; default: this session only. */
  readonly settings?: UiSettingsStore;
}

/**
 * Talk to the user in lines until they quit (/quit, Ctrl+D). The quit command is sent to the engine before this
 * resolves. Subscribes to the engine synchronously, so events emitted right after the call are not lost.
 * Example: `await runLinear(engine, {io: nodeLinearIo(process.stdin, process.stdout)})`.
 */
export function runLinear(engine: EngineApi, opts: RunLinearOptions): Promise<void> {
  const { io } = opts;
  const narrator = new Narrator({ now: opts.now ?? Date.now });
  let flow: UnlockFlow = { step: 'choose' };
  let local: LinearLocal = INITIAL_LINEAR;
  let finished = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const say = (lines: readonly string[]): void => io.say(lines.map((l) => untrustedLine(l)));
  /** `sent`: the quit command already went to the engine (/quit). */
  const quit = (sent = false): void => {
    if (finished) return;
    finished = true;
    if (!sent) engine.command({ cmd: 'quit' });
    io.close();
    store.dispose();
    finish();
  };
  const unlockStep = (out: UnlockOut): void => {
    flow = out.flow;
    say(out.say);
    if (out.command !== undefined) engine.command(out.command);
    if (out.ask !== undefined) io.ask(untrustedLine(out.ask.text), out.ask.secret);
    if (out.quit === true) quit();
  };

  // The store reduces each event first; the narrator then reads the state the event produced.
  let afterReduce: (e: EngineEvent) => void = () => {};
  const store = createUiStore(
    {
      subscribe: (listener) =>
        engine.subscribe((e) => {
          listener(e);
          afterReduce(e);
        }),
      command: (c) => engine.command(c),
    },
    { lowBandwidth: opts.lowBandwidth ?? false, ...(opts.settings !== undefined ? { settings: opts.settings } : {}) },
  );
  afterReduce = (e) => {
    if (finished) return;
    const unlocked = store.getState().profile !== undefined;
    if (e.event === 'profiles' && e.count === 0 && !unlocked && flow.step === 'choose') return unlockStep(firstRunUnlock());
    if (e.event === 'error' && !unlocked) {
      const out = unlockError(flow, e.code, untrustedLine(e.message));
      if (out !== undefined) return unlockStep(out);
    }
    io.say(narrator.event(e, store.getState()));
    // The contacts and groups that follow `profile` arrive in the same synchronous burst: summarise them after it.
    if (e.event === 'profile') queueMicrotask(() => io.say(narrator.endSnapshot(store.getState())));
  };

  io.onLine((line) => {
    if (finished) return;
    if (line === null) return quit();
    if (store.getState().profile === undefined) return unlockStep(unlockLine(flow, line));
    const out = handleLine(local, store.getState(), line);
    local = out.local;
    if (out.expectHistory !== undefined) narrator.expectHistory(out.expectHistory);
    say(out.say);
    for (const e of out.localEvents) store.dispatch(e);
    for (const c of out.commands) engine.command(c);
    if (out.quit) quit(true);
  });

  unlockStep(opts.profileCount === 0 ? firstRunUnlock() : startUnlock());
  return done;
}
