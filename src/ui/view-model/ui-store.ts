// The view model outside React: subscribes to the engine at once (so no event is lost before the first
// render) and hands React snapshots through useSyncExternalStore.

import type { EngineCommand } from '../../core/api/commands.js';
import type { EngineApi } from '../../core/api/engine.js';
import type { EngineEvent } from '../../core/api/events.js';
import { memorySettings, type UiSettingsStore, type UiSettingsValues } from '../../core/api/ui-settings.js';
import { answerFor } from './answers.js';
import { clearError, dismissSyncPrompt, markRead, reduce } from './reducer.js';
import { initialState, type UiState } from './state.js';
import { uiText } from '../text.js';
import { TUI_HISTORY_PAGE } from '../../core/limits.js';

/** Changes the UI makes to the view model itself. */
export type LocalEvent =
  | { readonly local: 'read'; readonly id: string }
  | { readonly local: 'dismiss-sync'; readonly server: string }
  | { readonly local: 'dismiss-invite'; readonly groupId: string }
  | { readonly local: 'clear-error' }
  /** The answer line was read (or a new command was typed). */
  | { readonly local: 'clear-answer' }
  /** A conversation was opened: its stored history is read the first time. */
  | { readonly local: 'opened'; readonly id: string }
  /** Paged back past the oldest message read: read the page before it. */
  | { readonly local: 'older'; readonly id: string }
  /** `/set NAME VALUE`: change a UI setting and keep it (the store's settings file). */
  | { readonly local: 'set'; readonly patch: Partial<UiSettingsValues> };

export interface UiStore {
  getState(): UiState;
  dispatch(e: LocalEvent): void;
  /** Send a command the user gave, with an id so its answer can be said (state.answer). */
  send(c: EngineCommand): void;
  subscribe(listener: () => void): () => void;
  /** Stop listening to the engine. */
  dispose(): void;
}

export function reduceLocal(s: UiState, e: LocalEvent): UiState {
  switch (e.local) {
    case 'read':
      return markRead(s, e.id);
    case 'dismiss-sync':
      return dismissSyncPrompt(s, e.server);
    case 'dismiss-invite':
      return { ...s, invites: s.invites.filter((i) => i.groupId !== e.groupId) };
    case 'clear-error':
      return clearError(s);
    case 'clear-answer': {
      if (s.answer === undefined) return s;
      const { answer: _a, ...rest } = s;
      return rest;
    }
    case 'set':
      return { ...s, settings: { ...s.settings, ...e.patch } };
    case 'opened':
    case 'older':
      return s;
  }
}

/**
 * The history command an `opened`/`older` calls for (none while a page is on its way, or when everything is read),
 * and the state that says it was asked.
 */
function historyRequest(s: UiState, e: { readonly local: 'opened' | 'older'; readonly id: string }): { state: UiState; command?: EngineCommand } {
  const known = s.historyLoaded?.get(e.id);
  if (e.local === 'opened' ? known !== undefined : known?.state !== 'more') return { state: s };
  const oldest = e.local === 'older' ? s.messages.get(e.id)?.at(0)?.messageId : undefined;
  if (e.local === 'older' && oldest === undefined) return { state: s };
  const historyLoaded = new Map(s.historyLoaded);
  historyLoaded.set(e.id, { state: 'loading', limit: TUI_HISTORY_PAGE });
  return { state: { ...s, historyLoaded }, command: { cmd: 'history', conversation: e.id, limit: TUI_HISTORY_PAGE, ...(oldest !== undefined ? { before: oldest } : {}) } };
}

/** Keep a `/set` change; a file that cannot be written keeps it for this session and says so. */
function saveSettings(store: UiSettingsStore, s: UiState, patch: Partial<UiSettingsValues>): UiState {
  const [name, value] = Object.entries(patch)[0] ?? ['', ''];
  try {
    const settings = store.set(patch);
    return { ...s, settings, answer: { text: uiText(`${name} is ${value} (kept in ${store.path})`) } };
  } catch {
    return { ...s, settings: { ...s.settings, ...patch }, answer: { text: uiText(`${name} is ${value} for this session: ${store.path} could not be written`) } };
  }
}

export interface UiStoreOptions {
  readonly lowBandwidth?: boolean;
  /** Where `/set` keeps settings; default: this session only. */
  readonly settings?: UiSettingsStore;
}

export function createUiStore(engine: EngineApi, opts: UiStoreOptions = {}): UiStore {
  const settings = opts.settings ?? memorySettings();
  let state = initialState({ ...(opts.lowBandwidth !== undefined ? { lowBandwidth: opts.lowBandwidth } : {}), settings: settings.get() });
  const listeners = new Set<() => void>();
  let scheduled = false;
  // The engine emits in bursts (unlock: profile, every contact, a history page). Reduce each event at
  // once but tell React once per burst: one frame instead of one per event.
  const notify = (): void => {
    scheduled = false;
    for (const l of listeners) l();
  };
  const set = (next: UiState): void => {
    if (next === state) return;
    state = next;
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(notify);
    }
  };
  // Commands the user gave, by the id they went with, until something answers them.
  const pending = new Map<string, EngineCommand>();
  let seq = 0;
  const unsubscribe = engine.subscribe((e: EngineEvent) => {
    let next = reduce(state, e);
    const c = e.id === undefined ? undefined : pending.get(e.id);
    if (c !== undefined) {
      const answer = answerFor(c, e, next);
      if (answer !== undefined) next = { ...next, answer };
      // A message the engine refused goes back to the composer, not lost with the line that was typed.
      if (e.event === 'error' && c.cmd === 'send') next = { ...next, refusedSend: { id: e.id!, to: c.to, text: c.text } };
      if (answer !== undefined || e.event === 'error' || e.event === 'ok') pending.delete(e.id!);
    }
    set(next);
  });
  return {
    getState: () => state,
    dispatch: (e) => {
      if (e.local === 'opened' || e.local === 'older') {
        const r = historyRequest(state, e);
        set(r.state);
        if (r.command !== undefined) engine.command(r.command);
        return;
      }
      set(e.local === 'set' ? saveSettings(settings, state, e.patch) : reduceLocal(state, e));
    },
    send(c) {
      const id = `ui-${++seq}`;
      pending.set(id, c);
      // An answer that never comes (a command that answers with nothing this file says) must not pile up.
      if (pending.size > 64) pending.delete(pending.keys().next().value!);
      set(reduceLocal(state, { local: 'clear-answer' }));
      engine.command({ ...c, id } as EngineCommand);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: unsubscribe,
  };
}
