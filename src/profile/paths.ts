// Where profiles and UI settings live on disk. The CLI's `--home DIR` wins over CWTCH_HOME, which wins over XDG.

import envPaths from 'env-paths';
import { join } from 'node:path';

const APP = 'cwtch-tui';

/** The default Cwtch home: $CWTCH_HOME, else the XDG data dir (e.g. ~/.local/share/cwtch-tui). */
export function defaultHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.CWTCH_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return envPaths(APP, { suffix: '' }).data;
}

/** `--home DIR` if given, else `defaultHome()`. */
export function resolveHome(flag?: string, env?: Readonly<Record<string, string | undefined>>): string {
  return flag !== undefined && flag !== '' ? flag : defaultHome(env);
}

/** The XDG config dir for non-secret UI settings (e.g. ~/.config/cwtch-tui). */
export function defaultConfigDir(): string {
  return envPaths(APP, { suffix: '' }).config;
}

/**
 * Where the UI settings file lives: in the home when one is named (`--home`, CWTCH_HOME), so each home (a test's,
 * a second identity's) keeps its own; else the XDG config dir.
 */
export function uiSettingsDir(flag?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.CWTCH_HOME;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultConfigDir();
}

/** `<home>/profiles`, holding one folder per profile (docs/protocol.md §8). */
export function profilesDir(home: string): string {
  return join(home, 'profiles');
}
