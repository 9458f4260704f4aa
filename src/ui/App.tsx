// Picks the screen: unlock until the engine reports a profile, then the main view.

import { useMemo, type ReactNode } from 'react';
import type { EngineApi } from '../core/api/engine.js';
import { MainView } from './components/MainView.js';
import { ThemeContext, themeFor } from './components/theme.js';
import { UnlockScreen } from './components/UnlockScreen.js';
import { useUiState } from './hooks/use-ui-store.js';
import type { UiStore } from './view-model/ui-store.js';

export interface AppProps {
  /** The view model, which also carries the user's commands to the engine (and says what they did). */
  readonly store: UiStore;
  /** NO_COLOR: no colour whatever the theme setting says. */
  readonly noColor?: boolean;
  /** Ring the terminal's bell (terminal.ts); the bell setting and mutes decide when (use-bell.ts). */
  readonly onBell?: () => void;
  /** Called once when the user quits (after the quit command went to the engine). */
  readonly onQuit: () => void;
}

export function App({ store, noColor = false, onBell, onQuit }: AppProps): ReactNode {
  const state = useUiState(store);
  const theme = useMemo(() => themeFor(state.settings.theme, noColor), [state.settings.theme, noColor]);
  const send = (c: Parameters<EngineApi['command']>[0]): void => {
    store.dispatch({ local: 'clear-error' });
    store.send(c);
  };
  return (
    <ThemeContext.Provider value={theme}>
      {state.profile === undefined ? (
        <UnlockScreen error={state.lastError} onCommand={send} onQuit={onQuit} tor={state.tor} {...(state.profileCount !== undefined ? { profileCount: state.profileCount } : {})} />
      ) : (
        <MainView state={state} onCommand={send} onLocal={store.dispatch} onQuit={onQuit} {...(onBell !== undefined ? { onBell } : {})} />
      )}
    </ThemeContext.Provider>
  );
}
