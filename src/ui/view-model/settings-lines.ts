// What `/set` alone shows (the settings view, and linear mode's lines): each setting, its value, the others it takes.

import { SETTING_NAMES, UI_SETTINGS, type UiSettingsValues } from '../../core/api/ui-settings.js';

/** One line per setting: "theme       dark     dark|light|none  colours for …". */
export function settingsLines(settings: UiSettingsValues): string[] {
  return SETTING_NAMES.map((n) => `${n.padEnd(11)}${settings[n].padEnd(10)}${UI_SETTINGS[n].values.join('|').padEnd(22)}${UI_SETTINGS[n].help}`);
}

/** What a `/set` also does now: low-bandwidth mode is switched at once as well as at the next start. */
export function settingEffects(patch: Partial<UiSettingsValues>): { readonly cmd: 'lowbw'; readonly on: boolean }[] {
  return patch.lowbw === undefined ? [] : [{ cmd: 'lowbw', on: patch.lowbw === 'on' }];
}
