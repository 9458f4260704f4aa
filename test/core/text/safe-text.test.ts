import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  SAFE_TEXT_MAX_COMBINING_MARKS,
  SAFE_TEXT_MAX_LENGTH,
  SAFE_TEXT_MAX_LINE_LENGTH,
  SAFE_TEXT_MAX_LINES,
} from '../../../src/core/limits.js';
import { containsHiddenCharacter, containsTerminalControl, toSafeText } from '../../../src/core/text/safe-text.js';
import { loadHostileCorpus } from '../../fixtures/hostile-text/load.js';
import { shapeProblem, type ShapeLimits } from './safe-shape.js';

const DEFAULTS: ShapeLimits = {
  maxLength: SAFE_TEXT_MAX_LENGTH,
  maxLines: SAFE_TEXT_MAX_LINES,
  maxLineLength: SAFE_TEXT_MAX_LINE_LENGTH,
  maxMarks: SAFE_TEXT_MAX_COMBINING_MARKS,
};

describe('hostile corpus', () => {
  const corpus = loadHostileCorpus();

  it('has the entries the threat model lists', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const word of ['osc52', 'osc8', 'window-title', 'csi', 'dcs', 'c1-csi-8bit', 'bel-bs', 'cr-overwrite', 'bidi', 'zero-width', 'zalgo', 'one-megabyte', 'surrogates', 'tmux', '8bit-st']) {
      expect(corpus.some((e) => e.name.includes(word)), word).toBe(true);
    }
  });

  it.each(corpus.map((e) => [e.name, e] as const))('%s: output is safe, idempotent, honest text kept, payload gone', (_name, e) => {
    const out = toSafeText(e.text);
    expect(out, 'every entry needs some defusing').not.toBe(e.text);
    expect(shapeProblem(out, DEFAULTS)).toBeNull();
    expect(toSafeText(out)).toBe(out);
    for (const s of e.mustShow) expect(out).toContain(s);
    for (const s of e.mustHide) expect(out).not.toContain(s);
    const line = toSafeText(e.text, { singleLine: true, maxLength: 200 });
    expect(line).not.toContain('\n');
    expect(shapeProblem(line, { ...DEFAULTS, maxLength: 200, maxLines: 1 })).toBeNull();
    expect(toSafeText(line, { singleLine: true, maxLength: 200 })).toBe(line);
  });
});

describe('toSafeText, specific behaviour', () => {
  it.each([
    ['hello, world', 'hello, world'],
    ['Grüße, Ωμέγα, Привет, שלום, مرحبا, नमस्ते, 日本語, 한국어, ไทย', 'Grüße, Ωμέγα, Привет, שלום, مرحبا, नमस्ते, 日本語, 한국어, ไทย'],
    ['emoji 👩‍💻 🏳️‍🌈 👍🏽 🇮🇪 1️⃣ ❤️', 'emoji 👩‍💻 🏳️‍🌈 👍🏽 🇮🇪 1️⃣ ❤️'],
    ['e\u0301 ệ (NFD e\u0323\u0302) בְּרֵאשִׁית', 'e\u0301 ệ (NFD e\u0323\u0302) בְּרֵאשִׁית'],
    ['two\nlines\n\nand a blank', 'two\nlines\n\nand a blank'],
    ['a\rb', 'a\nb'],
    ['a\r\nb\r\n', 'a\nb\n'],
    ['a\r\r\nb', 'a\n\nb'],
    ['\tx', '    x'],
    ['a\u200db', 'ab'],
    ['👩\u200d', '👩'],
    ['a\u200d👩', 'a👩'],
    ['👩\u200da', '👩a'],
    ['👩\u200d\u200d\u200d💻', '👩\u200d💻'],
    ['👩\u200d\u200b💻', '👩\u200d💻'],
    ['a\ufe0f\ufe0f', 'a\ufe0f'],
    ['\ufe0fa', 'a'],
    ['a\u0301\u0301\u0301\u0301\u0301\u0301', 'a\u0301\u0301\u0301\u0301'],
    ['\u0301a', 'a'],
    ['x\n\u0301y', 'x\ny'],
    ['\ud800', '\ufffd'],
    ['\udc00\ud83d\ude00', '\ufffd\ud83d\ude00'],
    ['\ufdd0\uffff', '\ufffd\ufffd'],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['\x1b', ''],
    ['\x1bé', 'é'],
    ['\x9b', ''],
  ])('%j → %j', (input, expected) => {
    expect(toSafeText(input)).toBe(expected);
  });

  it('gives the empty text for anything but a string', () => {
    for (const v of [undefined, null, 42, {}, ['x'], Symbol('s'), () => 'x']) expect(toSafeText(v)).toBe('');
  });

  it('caps the whole text with a marker that counts what was cut', () => {
    const out = toSafeText('x'.repeat(1000), { maxLength: 100 });
    expect(out.length).toBeLessThanOrEqual(100);
    const m = /^x+…\[truncated (\d+) chars\]$/.exec(out);
    expect(m).not.toBeNull();
    expect(out.indexOf('…') + Number(m![1])).toBe(1000);
  });

  it('caps each line, and the number of lines', () => {
    const out = toSafeText(`${'a'.repeat(500)}\nshort\n${'b'.repeat(500)}`, { maxLineLength: 100 });
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^a+…\[truncated \d+ chars\]$/);
    expect(lines[1]).toBe('short');
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    const many = toSafeText('line\n'.repeat(50), { maxLines: 10 });
    expect(many.split('\n')).toHaveLength(10);
    expect(many.split('\n')[9]).toBe('…[truncated 42 lines]');
  });

  it('never splits a surrogate pair or leaves a dangling joiner when cutting', () => {
    for (let n = 1; n < 40; n++) {
      const out = toSafeText('👩\u200d💻'.repeat(30), { maxLength: n });
      expect(out.isWellFormed()).toBe(true);
      expect(toSafeText(out, { maxLength: n })).toBe(out);
    }
  });

  it('puts everything on one line when asked', () => {
    expect(toSafeText('a\nb\r\nc\rd\u2028e', { singleLine: true })).toBe('a b c d e');
  });

  it('cuts a 1 MiB line to the default cap', () => {
    const out = toSafeText('A'.repeat(1 << 20));
    expect(out.length).toBeLessThanOrEqual(SAFE_TEXT_MAX_LINE_LENGTH);
    expect(out).toMatch(/…\[truncated \d+ chars\]$/);
  });
});

describe('detectors', () => {
  it('containsTerminalControl finds ESC, C1, BEL, BS, CR, TAB, bidi and separators, not newline or text', () => {
    for (const s of ['\x1b', '\x9b', '\x07', '\b', '\r', '\t', '\x7f', '\u202e', '\u2066', '\u200f', '\u061c', '\u2028']) expect(containsTerminalControl(`a${s}b`), JSON.stringify(s)).toBe(true);
    for (const s of ['a\nb', 'plain', '👩\u200d💻', '日本語', '']) expect(containsTerminalControl(s)).toBe(false);
  });
  it('containsHiddenCharacter finds zero-width, format, tag, filler, noncharacter and lone surrogate', () => {
    for (const s of ['\u200b', '\u200c', '\u00ad', '\u2060', '\ufeff', '\u{e0041}', '\u3164', '\ufdd0', '\ud800', '\u034f']) expect(containsHiddenCharacter(`a${s}b`), JSON.stringify(s)).toBe(true);
    expect(containsHiddenCharacter('plain text, 日本語')).toBe(false);
  });
});

// --- properties ---------------------------------------------------------------------------------

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const nasty = fc.constantFrom(
  '\x1b', '\x1b[', '\x1b]', '\x1bP', '\x1b\\', '\x07', '\x9b', '\x9c', '\x9d', '\x90', '\r', '\n', '\r\n', '\t', '\b', '\x00',
  '\u200d', '\u200b', '\ufe0f', '\u{e0100}', '\u0301', '\u20e3', '\u202e', '\u2066', '\u3164', '\ud800', '\udc00', '\ufffe',
  '👩', '💻', '🏻', '🇮', 'a', ' ', '…', '\x1b[31m', '\x1b]52;c;ZXZpbA==\x07', '\x1bPtmux;\x1b\x1b]0;t\x07\x1b\\',
);
const hostileString = fc
  .array(fc.oneof(nasty, fc.string({ unit: anyUnit, maxLength: 6 }), fc.string({ unit: anyCodePoint, maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 60 })
  .map((parts) => parts.join(''));
const options = fc.record(
  {
    maxLength: fc.integer({ min: 1, max: 120 }),
    maxLines: fc.integer({ min: 1, max: 8 }),
    maxLineLength: fc.integer({ min: 1, max: 60 }),
    singleLine: fc.boolean(),
  },
  { requiredKeys: [] },
);

function limitsOf(o: { maxLength?: number; maxLines?: number; maxLineLength?: number; singleLine?: boolean }): ShapeLimits {
  const maxLength = o.maxLength ?? SAFE_TEXT_MAX_LENGTH;
  return {
    maxLength,
    maxLines: o.singleLine ? 1 : (o.maxLines ?? SAFE_TEXT_MAX_LINES),
    maxLineLength: Math.min(maxLength, o.maxLineLength ?? SAFE_TEXT_MAX_LINE_LENGTH),
    maxMarks: SAFE_TEXT_MAX_COMBINING_MARKS,
  };
}

describe('toSafeText properties', () => {
  fcTest.prop([hostileString, options], { numRuns: 3000 })('hostile mixes: safe shape, bounded, idempotent', (s, o) => {
    const out = toSafeText(s, o);
    expect(shapeProblem(out, limitsOf(o))).toBeNull();
    expect(toSafeText(out, o)).toBe(out);
  });

  fcTest.prop([fc.string({ unit: anyCodePoint, maxLength: 200 })], { numRuns: 1000 })('any code points: safe shape, idempotent', (s) => {
    const out = toSafeText(s);
    expect(shapeProblem(out, DEFAULTS)).toBeNull();
    expect(toSafeText(out)).toBe(out);
  });

  fcTest.prop([fc.string({ unit: anyUnit, maxLength: 200 })], { numRuns: 1000 })('any UTF-16 units: well formed, idempotent', (s) => {
    const out = toSafeText(s);
    expect(shapeProblem(out, DEFAULTS)).toBeNull();
    expect(toSafeText(out)).toBe(out);
  });

  const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u;
  const NOT_PRINTABLE = /^[\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cf}]$/u;
  const printable = fc
    .integer({ min: 0x20, max: 0x10ffff })
    .map((c) => String.fromCodePoint(c))
    .filter((ch) => PRINTABLE.test(ch) && !NOT_PRINTABLE.test(ch));
  fcTest.prop([fc.array(fc.oneof(printable, fc.constant('\n')), { maxLength: 200 })], { numRuns: 1000 })('printable text of any script comes back unchanged', (chars) => {
    const s = chars.join('');
    expect(toSafeText(s)).toBe(s);
  });
});
