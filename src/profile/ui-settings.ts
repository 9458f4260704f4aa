// Non-secret UI preferences (theme, key bindings, low-bandwidth default) in a plain JSON file via `conf`, in the
// XDG config dir. Nothing secret ever goes here: conf's "encryption" is obfuscation, and this file sits outside
// the encrypted profile. Values are validated on every read, since people (and other programs) edit the file.

import Conf from 'conf';
import { defaultConfigDir } from './paths.js';

export const THEMES = ['auto', 'dark', 'light', 'high-contrast'] as const;
export const KEYBINDING_STYLES = ['default', 'vim', 'emacs'] as const;
export type Theme = (typeof THEMES)[number];
export type KeybindingStyle = (typeof KEYBINDING_STYLES)[number];

export interface UiSettingsValues {
  readonly theme: Theme;
  readonly keybindings: KeybindingStyle;
  /** Default for new sessions: fewer connections and no eager group sync. */
  readonly lowBandwidth: boolean;
}

export const DEFAULT_UI_SETTINGS: UiSettingsValues = { theme: 'auto', keybindings: 'default', lowBandwidth: false };

export interface UiSettings {
  get(): UiSettingsValues;
  set(patch: Partial<UiSettingsValues>): UiSettingsValues;
  /** The file the settings live in, for `--help` and error messages. */
  readonly path: string;
}

const oneOf = <T extends string>(allowed: readonly T[], v: unknown, fallback: T): T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;

function sanitize(raw: Record<string, unknown>): UiSettingsValues {
  return {
    theme: oneOf(THEMES, raw.theme, DEFAULT_UI_SETTINGS.theme),
    keybindings: oneOf(KEYBINDING_STYLES, raw.keybindings, DEFAULT_UI_SETTINGS.keybindings),
    lowBandwidth: typeof raw.lowBandwidth === 'boolean' ? raw.lowBandwidth : DEFAULT_UI_SETTINGS.lowBandwidth,
  };
}

/** Opens the UI settings in `cwd` (tests pass a temp dir), default the XDG config dir. */
export function openUiSettings(opts: { cwd?: string } = {}): UiSettings {
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'cwtch-tui',
    projectSuffix: '',
    cwd: opts.cwd ?? defaultConfigDir(),
    configName: 'ui-settings',
  });
  return {
    path: conf.path,
    get: () => sanitize(conf.store),
    set: (patch) => {
      const next = sanitize({ ...sanitize(conf.store), ...patch });
      conf.store = { ...next };
      return next;
    },
  };
}
