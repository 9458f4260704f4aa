// Whether colours are drawn, and for which background: the `theme` setting, with NO_COLOR
// (https://no-color.org) always winning. One context, read by SafeTextView.

import { createContext, useContext } from 'react';
import type { UiSettingsValues } from '../../core/api/ui-settings.js';

export interface Theme {
  readonly colour: boolean;
  /** Colours picked for a light background: the dark theme's yellow and cyan vanish on white. */
  readonly light?: boolean;
}

export const ThemeContext = createContext<Theme>({ colour: true });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** NO_COLOR set to anything non-empty turns colours off, whatever the theme says. */
export function noColorFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env['NO_COLOR'];
  return v !== undefined && v !== '';
}

export function themeFor(setting: UiSettingsValues['theme'], noColor: boolean): Theme {
  if (noColor || setting === 'none') return { colour: false };
  return setting === 'light' ? { colour: true, light: true } : { colour: true };
}

/**
 * The light theme's colours: darker shades that read on white (xterm-256 values; chalk maps them down on 16-colour
 * terminals). Names not here are drawn as they are.
 */
const LIGHT: Readonly<Record<string, string>> = {
  yellow: '#875f00',
  cyan: '#005f87',
  green: '#005f00',
  red: '#af0000',
  magenta: '#870087',
  blue: '#00008b',
  white: 'black',
  cyanBright: '#0087af',
  greenBright: '#008700',
  magentaBright: '#af00af',
};

/** The colour to draw a named colour in, under `theme`. */
export function themeColour(theme: Theme, name: string): string {
  return theme.light === true ? (LIGHT[name] ?? name) : name;
}
