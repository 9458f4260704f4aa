// The UI's own preferences: what each is, the values it takes, and how a stored or typed value is read. Pure and
// shared: the profile layer keeps them in a plain file (src/profile/ui-settings.ts), the UI reads and `/set`s them.
// None is secret, and none may ever be: the file sits outside the encrypted profile (docs/ux.md, Settings).

import { fail, ok, type DecodeError, type Result } from '../result.js';

/** Each setting: its values (the first is the default) and one line of what it does, for `/set` and help. */
export const UI_SETTINGS = {
  theme: { values: ['dark', 'light', 'none'], help: 'colours for a dark or a light terminal, or none (as NO_COLOR)' },
  keys: { values: ['default', 'vim', 'emacs'], help: 'extra keys: vim Alt+J/K, Ctrl+F/B, Alt+G/Shift+G; emacs Ctrl+V, Alt+</>' },
  timestamps: { values: ['absolute', 'relative'], help: 'message times as a clock, or as "5m"/"3h" ago within a day' },
  clock: { values: ['24h', '12h'], help: 'the clock: 15:05 or 3:05pm' },
  lowbw: { values: ['off', 'on'], help: 'start in low-bandwidth mode (no background sync)' },
  bell: { values: ['off', 'on'], help: 'ring the terminal bell for a message in another conversation (never a muted one)' },
} as const;

export type SettingName = keyof typeof UI_SETTINGS;
export type SettingValue<K extends SettingName> = (typeof UI_SETTINGS)[K]['values'][number];
export type UiSettingsValues = { readonly [K in SettingName]: SettingValue<K> };

export const SETTING_NAMES = Object.keys(UI_SETTINGS) as SettingName[];

export const DEFAULT_UI_SETTINGS: UiSettingsValues = {
  theme: 'dark',
  keys: 'default',
  timestamps: 'absolute',
  clock: '24h',
  lowbw: 'off',
  bell: 'off',
};

/** Where settings are kept: the profile layer's file, or anything that keeps them for a session. */
export interface UiSettingsStore {
  get(): UiSettingsValues;
  /** Store a change; returns what is now stored (invalid values dropped). */
  set(patch: Partial<UiSettingsValues>): UiSettingsValues;
  /** Where they live, for `/set`'s list and error messages. */
  readonly path: string;
}

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(UI_SETTINGS, name);
}

function allowed<K extends SettingName>(name: K, v: unknown): SettingValue<K> | undefined {
  return typeof v === 'string' && (UI_SETTINGS[name].values as readonly string[]).includes(v) ? (v as SettingValue<K>) : undefined;
}

/**
 * Settings from whatever a file held (people and other programs edit it): each valid value kept, anything else the
 * default. Earlier versions' names are read too (`keybindings`, `lowBandwidth: true`, themes `auto`/`high-contrast`).
 */
export function sanitizeUiSettings(raw: unknown): UiSettingsValues {
  const r: Record<string, unknown> = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const legacyLowbw = typeof r['lowBandwidth'] === 'boolean' ? (r['lowBandwidth'] ? 'on' : 'off') : undefined;
  return {
    theme: allowed('theme', r['theme']) ?? DEFAULT_UI_SETTINGS.theme,
    keys: allowed('keys', r['keys']) ?? allowed('keys', r['keybindings']) ?? DEFAULT_UI_SETTINGS.keys,
    timestamps: allowed('timestamps', r['timestamps']) ?? DEFAULT_UI_SETTINGS.timestamps,
    clock: allowed('clock', r['clock']) ?? DEFAULT_UI_SETTINGS.clock,
    lowbw: allowed('lowbw', r['lowbw']) ?? allowed('lowbw', legacyLowbw) ?? DEFAULT_UI_SETTINGS.lowbw,
    bell: allowed('bell', r['bell']) ?? DEFAULT_UI_SETTINGS.bell,
  };
}

/** `current` with each valid value of `patch` (an invalid one leaves the setting as it was). */
export function applySettings(current: UiSettingsValues, patch: Readonly<Record<string, unknown>>): UiSettingsValues {
  const next: Record<string, unknown> = { ...current };
  for (const n of SETTING_NAMES) {
    const v = allowed(n, patch[n]);
    if (v !== undefined) next[n] = v;
  }
  return next as unknown as UiSettingsValues;
}

/**
 * A typed `/set NAME VALUE` read into a change, or why not.
 * Example: `parseSetting('theme', 'light')` → ok `{theme: 'light'}`.
 */
export function parseSetting(name: string, value: string): Result<Partial<UiSettingsValues>, DecodeError> {
  const n = name.toLowerCase();
  if (!isSettingName(n)) return fail('settings.unknown', `no setting "${name.slice(0, 20)}"; settings: ${SETTING_NAMES.join(', ')}`);
  const v = allowed(n, value.toLowerCase());
  if (v === undefined) return fail('settings.value', `${n} is one of ${UI_SETTINGS[n].values.join(', ')}`);
  return ok({ [n]: v });
}

/** Sessions without a settings file (tests, a config dir that cannot be written): kept in memory only. */
export function memorySettings(initial: UiSettingsValues = DEFAULT_UI_SETTINGS): UiSettingsStore {
  let v = initial;
  return {
    path: '(this session only)',
    get: () => v,
    set: (patch) => (v = applySettings(v, patch)),
  };
}
