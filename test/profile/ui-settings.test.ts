import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_UI_SETTINGS, openUiSettings } from '../../src/profile/ui-settings.js';
import { cleanupTempDirs, tempDir } from './helpers.js';

afterEach(cleanupTempDirs);

describe('UI settings (conf, not secret)', () => {
  it('defaults, persists across opens, lives in the given folder', () => {
    const cwd = tempDir();
    const s = openUiSettings({ cwd });
    expect(s.get()).toEqual(DEFAULT_UI_SETTINGS);
    expect(s.path.startsWith(cwd)).toBe(true);
    s.set({ theme: 'dark', lowBandwidth: true });
    expect(openUiSettings({ cwd }).get()).toEqual({ theme: 'dark', keybindings: 'default', lowBandwidth: true });
    expect(JSON.parse(readFileSync(s.path, 'utf8'))).toEqual({ theme: 'dark', keybindings: 'default', lowBandwidth: true });
  });

  it('hand-edited invalid values fall back to defaults and unknown keys are dropped on write', () => {
    const cwd = tempDir();
    const s = openUiSettings({ cwd });
    writeFileSync(s.path, JSON.stringify({ theme: 'neon', keybindings: 'vim', lowBandwidth: 'yes', password: 'oops' }));
    expect(s.get()).toEqual({ theme: 'auto', keybindings: 'vim', lowBandwidth: false });
    s.set({ theme: 'light' });
    expect(Object.keys(JSON.parse(readFileSync(s.path, 'utf8'))).sort()).toEqual(['keybindings', 'lowBandwidth', 'theme']);
  });

  it('set ignores values outside the allowed sets', () => {
    const s = openUiSettings({ cwd: tempDir() });
    expect(s.set({ theme: 'nope' as never, keybindings: 'emacs' })).toEqual({ theme: 'auto', keybindings: 'emacs', lowBandwidth: false });
  });
});
