import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UI_SETTINGS, memorySettings, parseSetting, sanitizeUiSettings, SETTING_NAMES, UI_SETTINGS } from '../../../src/core/api/ui-settings.js';

describe('UI settings schema', () => {
  it('every default is the first of its values', () => {
    for (const n of SETTING_NAMES) expect(DEFAULT_UI_SETTINGS[n]).toBe(UI_SETTINGS[n].values[0]);
  });

  it('whatever a file holds reads as valid settings, never throws (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const s = sanitizeUiSettings(raw);
        expect(Object.keys(s).sort()).toEqual([...SETTING_NAMES].sort());
        for (const n of SETTING_NAMES) expect(UI_SETTINGS[n].values as readonly string[]).toContain(s[n]);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...SETTING_NAMES, 'keybindings', 'lowBandwidth', '__proto__'), fc.anything()), (raw) => {
        sanitizeUiSettings(raw);
      }),
    );
  });

  it('a valid stored value is kept exactly', () => {
    fc.assert(
      fc.property(fc.record(Object.fromEntries(SETTING_NAMES.map((n) => [n, fc.constantFrom(...UI_SETTINGS[n].values)])) as never), (v) => {
        expect(sanitizeUiSettings(v)).toEqual(v);
      }),
    );
  });

  it('/set NAME VALUE: case-insensitive, unknown names and values say what is allowed', () => {
    expect(parseSetting('Theme', 'LIGHT')).toEqual({ ok: true, value: { theme: 'light' } });
    const bad = parseSetting('colour', 'red');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.reason).toContain('theme, keys, timestamps, clock, lowbw, bell');
    const badValue = parseSetting('clock', '13h');
    expect(badValue.ok).toBe(false);
    if (!badValue.ok) expect(badValue.error.reason).toBe('clock is one of 24h, 12h');
    expect(parseSetting('toString', 'x').ok).toBe(false);
  });

  it('the session-only store keeps changes and drops invalid ones', () => {
    const m = memorySettings();
    expect(m.set({ bell: 'on' })).toEqual({ ...DEFAULT_UI_SETTINGS, bell: 'on' });
    expect(m.set({ bell: 'maybe' as never }).bell).toBe('on');
  });
});
