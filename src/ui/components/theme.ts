// Whether colours are drawn (NO_COLOR, https://no-color.org). One context, read by SafeTextView.

import { createContext, useContext } from 'react';

export interface Theme {
  readonly colour: boolean;
}

export const ThemeContext = createContext<Theme>({ colour: true });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** NO_COLOR set to anything non-empty turns colours off. */
export function themeFromEnv(env: Readonly<Record<string, string | undefined>>): Theme {
  const v = env['NO_COLOR'];
  return { colour: v === undefined || v === '' };
}
