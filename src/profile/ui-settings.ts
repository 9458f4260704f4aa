// Non-secret UI preferences (core/api/ui-settings.ts says which) in a plain JSON file via `conf`. Nothing secret
// ever goes here: conf's "encryption" is obfuscation, and this file sits outside the encrypted profile. Values are
// validated on every read, since people (and other programs) edit the file.

import Conf from 'conf';
import { applySettings, sanitizeUiSettings, type UiSettingsStore } from '../core/api/ui-settings.js';
import { defaultConfigDir } from './paths.js';

/**
 * Opens the UI settings file in `cwd`, default the XDG config dir. A file that cannot be parsed is read as the
 * defaults (conf would throw) and is rewritten on the next change.
 * Example: `openUiSettings({cwd: home}).set({theme: 'light'})`.
 */
export function openUiSettings(opts: { cwd?: string } = {}): UiSettingsStore {
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'cwtch-tui',
    projectSuffix: '',
    cwd: opts.cwd ?? defaultConfigDir(),
    configName: 'ui-settings',
    clearInvalidConfig: true,
  });
  return {
    path: conf.path,
    get: () => sanitizeUiSettings(conf.store),
    set: (patch) => {
      const next = applySettings(sanitizeUiSettings(conf.store), patch);
      conf.store = { ...next };
      return next;
    },
  };
}
