// The view model outside React: subscribes to the engine at once (so no event is lost before the first
// render) and hands React snapshots through useSyncExternalStore.

import type { EngineApi } from '../../core/api/engine.js';
import type { EngineEvent } from '../../core/api/events.js';
import { clearError, dismissSyncPrompt, markRead, reduce } from './reducer.js';
import { initialState, type UiState } from './state.js';

/** Changes the UI makes to the view model itself. */
export type LocalEvent =
  | { readonly local: 'read'; readonly id: string }
  | { readonly local: 'dismiss-sync'; readonly server: string }
  | { readonly local: 'dismiss-invite'; readonly groupId: string }
  | { readonly local: 'clear-error' };

export interface UiStore {
  getState(): UiState;
  dispatch(e: LocalEvent): void;
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
  }
}

export function createUiStore(engine: EngineApi, opts: { lowBandwidth?: boolean } = {}): UiStore {
  let state = initialState(opts);
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
  const unsubscribe = engine.subscribe((e: EngineEvent) => set(reduce(state, e)));
  return {
    getState: () => state,
    dispatch: (e) => set(reduceLocal(state, e)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: unsubscribe,
  };
}
