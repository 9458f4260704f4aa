import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_NAME_LENGTH } from '../../../src/core/limits.js';
import { displayName, findLookalikes, isMixedScript, NAME_PLACEHOLDER, nameSkeleton, validateDisplayName } from '../../../src/core/text/names.js';
import { containsHiddenCharacter, containsTerminalControl, toSafeText } from '../../../src/core/text/safe-text.js';
import { loadHostileCorpus } from '../../fixtures/hostile-text/load.js';

describe('validateDisplayName', () => {
  it.each([
    ['alice', 'alice'],
    ['  bob   the\u00a0 builder ', 'bob the builder'],
    ['Zoë', 'Zoë'],
    ['Zoe\u0308', 'Zoë'], // NFC
    ['日本語ひらがな', '日本語ひらがな'],
    ['👩‍💻 dev', '👩‍💻 dev'],
    ['x'.repeat(MAX_DISPLAY_NAME_LENGTH), 'x'.repeat(MAX_DISPLAY_NAME_LENGTH)],
  ])('accepts %j as %j', (raw, name) => {
    const r = validateDisplayName(raw);
    expect(r).toEqual({ ok: true, value: name });
  });

  it.each([
    ['', 'name.empty'],
    [' \t', 'name.control'],
    ['   ', 'name.empty'],
    ['\u2800\u3000', 'name.empty'],
    ['a\nb', 'name.control'],
    ['bob\x1b[31m', 'name.control'],
    ['\u202eecila', 'name.control'],
    ['al\u200bice', 'name.invisible'],
    ['al\u200dice', 'name.invisible'],
    ['\u3164', 'name.invisible'],
    ['bob\u{e0041}', 'name.invisible'],
    ['x'.repeat(MAX_DISPLAY_NAME_LENGTH + 1), 'name.length'],
    ['Z' + '\u0301'.repeat(9), 'name.unsafe'],
    ['\u0301bob', 'name.unsafe'],
    ['bob\ud800', 'name.invisible'],
  ])('refuses %j with %s', (raw, code) => {
    const r = validateDisplayName(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('refuses a non-string without throwing', () => {
    const r = validateDisplayName(42 as unknown as string);
    expect(r.ok ? '' : r.error.code).toBe('name.type');
  });
});

describe('displayName', () => {
  it('returns the valid name as it is', () => {
    expect(displayName('alice')).toBe('alice');
  });
  it('cleans what it can and falls back to the placeholder', () => {
    expect(displayName('\u202eecila\u202c')).toBe('ecila');
    expect(displayName('a\u200bl\x1b]0;t\x07ice\n')).toBe('alice');
    expect(displayName('\u200b\u3164 \u2800')).toBe(NAME_PLACEHOLDER);
    expect(displayName(undefined as unknown as string)).toBe(NAME_PLACEHOLDER);
    const long = displayName('y'.repeat(500));
    expect([...long]).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
  it('is safe, single-line and bounded for every hostile corpus entry', () => {
    for (const e of loadHostileCorpus()) {
      const n = displayName(e.text);
      expect(containsTerminalControl(n) || n.includes('\n'), e.name).toBe(false);
      expect([...n].length, e.name).toBeLessThanOrEqual(MAX_DISPLAY_NAME_LENGTH);
      expect(toSafeText(n), e.name).toBe(n);
    }
  });
  fcTest.prop([fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 100 })])(
    'never fails, never returns control or stray hidden characters',
    (s) => {
      const n = displayName(s);
      expect(n.length).toBeGreaterThan(0);
      expect(containsTerminalControl(n) || n.includes('\n')).toBe(false);
      expect(containsHiddenCharacter(n.replaceAll('\u200d', '').replace(/\p{Variation_Selector}/gu, ''))).toBe(false);
      expect(n).toBe(n.trim());
    },
  );
});

describe('look-alikes', () => {
  const contacts = [
    { id: 'alice', name: 'alice' },
    { id: 'bob', name: 'bob' },
    { id: 'carol', name: 'Carol' },
  ];
  it.each([
    ['\u0430lice', 'alice'], // Cyrillic а
    ['alice ', 'alice'],
    [' alice', 'alice'],
    ['ALICE', 'alice'],
    ['AIice', 'alice'], // capital I for l
    ['a1ice', 'alice'],
    ['al\u200bice', 'alice'],
    ['ａｌｉｃｅ', 'alice'], // fullwidth
    ['𝐚𝐥𝐢𝐜𝐞', 'alice'], // mathematical bold
    ['álice', 'alice'],
    ['b0b', 'bob'],
    ['8ob', 'bob'],
    ['Ьоb', 'bob'], // Cyrillic Ь and о
    ['C\u0430r0l', 'carol'],
    ['Caro1', 'carol'],
  ])('%j looks like %s', (name, id) => {
    expect(findLookalikes(name, contacts)).toEqual([id]);
  });
  it('does not flag different names', () => {
    expect(findLookalikes('alice', [{ id: 'bob', name: 'bob' }])).toEqual([]);
    expect(findLookalikes('dave', contacts)).toEqual([]);
    expect(findLookalikes('', contacts)).toEqual([]);
  });
  it('flags the same name twice', () => {
    expect(findLookalikes('bob', [...contacts, { id: 'bob2', name: 'bob' }])).toEqual(['bob', 'bob2']);
  });
  it('skeletons agree with confusables.txt on a few well-known pairs', () => {
    expect(nameSkeleton('rn')).toBe(nameSkeleton('m'));
    expect(nameSkeleton('paypal')).toBe(nameSkeleton('р\u0430ур\u0430l'));
    expect(nameSkeleton('ß')).toBe(nameSkeleton('ss'));
  });
  fcTest.prop([fc.string({ maxLength: 40 })])('skeleton is a fixed point of itself', (s) => {
    const k = nameSkeleton(s);
    expect(nameSkeleton(k)).toBe(k);
  });
});

describe('isMixedScript', () => {
  it.each(['\u0430lice', 'Mo\u0441kva', 'pаypal', 'abcα'])('%j is mixed', (n) => expect(isMixedScript(n)).toBe(true));
  it.each(['alice', 'b0b', 'Москва', 'Ελληνικά', '日本語ひらがなカタカナ', '한국어 漢字', 'مرحبا', 'alice 👩‍💻', '123', ''])('%j is not', (n) =>
    expect(isMixedScript(n)).toBe(false),
  );
});
