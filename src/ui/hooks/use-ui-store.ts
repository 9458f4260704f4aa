// React's view of the UiStore (view-model/ui-store.ts).

import { useSyncExternalStore } from 'react';
import type { UiState } from '../view-model/state.js';
import type { UiStore } from '../view-model/ui-store.js';

export function useUiState(store: UiStore): UiState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
