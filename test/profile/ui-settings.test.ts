import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_UI_SETTINGS } from '../../src/core/api/ui-settings.js';
import { openUiSettings } from '../../src/profile/ui-settings.js';
import { cleanupTempDirs, tempDir } from './helpers.js';

afterEach(cleanupTempDirs);

describe('UI settings (conf, not secret)', () => {
  it('defaults, persists across opens, lives in the given folder', () => {
    const cwd = tempDir();
    const s = openUiSettings({ cwd });
    expect(s.get()).toEqual(DEFAULT_UI_SETTINGS);
    expect(s.path.startsWith(cwd)).toBe(true);
    s.set({ theme: 'light', lowbw: 'on' });
    const want = { ...DEFAULT_UI_SETTINGS, theme: 'light', lowbw: 'on' };
    expect(openUiSettings({ cwd }).get()).toEqual(want);
    expect(JSON.parse(readFileSync(s.path, 'utf8'))).toEqual(want);
  });

  it('hand-edited invalid values fall back to defaults, old names are read, unknown keys are dropped on write', () => {
    const cwd = tempDir();
    const s = openUiSettings({ cwd });
    writeFileSync(s.path, JSON.stringify({ theme: 'neon', keybindings: 'vim', lowBandwidth: true, bell: 'loud', password: 'oops' }));
    expect(s.get()).toEqual({ ...DEFAULT_UI_SETTINGS, keys: 'vim', lowbw: 'on' });
    s.set({ theme: 'light' });
    const written = JSON.parse(readFileSync(s.path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(['bell', 'clock', 'keys', 'lowbw', 'theme', 'timestamps']);
    expect(JSON.stringify(written)).not.toContain('oops');
  });

  it('a file that is not JSON reads as the defaults and is rewritten on the next change', () => {
    const cwd = tempDir();
    const s = openUiSettings({ cwd });
    s.set({ bell: 'on' });
    writeFileSync(s.path, '{"theme": "light", ');
    const again = openUiSettings({ cwd });
    expect(again.get()).toEqual(DEFAULT_UI_SETTINGS);
    again.set({ clock: '12h' });
    expect(openUiSettings({ cwd }).get()).toEqual({ ...DEFAULT_UI_SETTINGS, clock: '12h' });
  });

  it('set ignores values outside the allowed sets', () => {
    const s = openUiSettings({ cwd: tempDir() });
    expect(s.set({ theme: 'nope' as never, keys: 'emacs' })).toEqual({ ...DEFAULT_UI_SETTINGS, keys: 'emacs' });
  });
});
