// Headless JSONL commands and untrusted text on its way to the terminal.

import fc from 'fast-check';
import { COMMAND_SPECS, MAX_COMMAND_LINE_BYTES, decodeCommand } from '../../../src/core/api/commands.js';
import { SAFE_TEXT_MAX_LENGTH, SAFE_TEXT_MAX_LINE_LENGTH, SAFE_TEXT_MAX_LINES, SAFE_TEXT_MAX_COMBINING_MARKS } from '../../../src/core/limits.js';
import { toSafeText } from '../../../src/core/text/safe-text.js';
import { loadHostileCorpus } from '../../fixtures/hostile-text/load.js';
import { shapeProblem } from '../../core/text/safe-shape.js';
import { expectResult, expectThat, type FuzzTarget } from '../harness.js';
import { jsonObject, jsonValue } from '../json-gen.js';

const fieldNames = [...new Set(Object.values(COMMAND_SPECS).flatMap((s) => [...Object.keys(s.required), ...Object.keys(s.optional)]))];
const cmdNames = Object.keys(COMMAND_SPECS);

export const command: FuzzTarget<'string'> = {
  name: 'command',
  kind: 'string',
  seeds: () => ['{"cmd":"quit"}', '{"cmd":"lowbw","on":true,"id":7}', '{"cmd":"sync","server":"x","confirm":false}', '{"cmd":"__proto__"}', '{"cmd":"toString"}'],
  generator: () =>
    jsonObject([
      ['cmd', fc.constantFrom(...cmdNames, 'constructor', 'hasOwnProperty', '__proto__').map((s) => JSON.stringify(s))],
      ['id', jsonValue()],
      ...fieldNames.map((f) => [f, jsonValue()] as const),
    ]),
  check: (s) => {
    const r = decodeCommand(s);
    expectResult(r, 'decodeCommand');
    if (r.ok) expectThat(Object.prototype.hasOwnProperty.call(COMMAND_SPECS, r.value.cmd), 'unknown command accepted');
  },
  linear: [
    { shape: 'deep nesting', sizes: [4096, 32 * 1024, MAX_COMMAND_LINE_BYTES - 64], make: (n) => '{"cmd":"quit","x":' + '['.repeat(n / 2) + ']'.repeat(n / 2) + '}' },
    { shape: 'long escapes', sizes: [4096, 32 * 1024, MAX_COMMAND_LINE_BYTES - 64], make: (n) => '{"cmd":"quit","x":"' + '\\u00e9'.repeat(n / 6) + '"}' },
    { shape: 'many keys', sizes: [4096, 32 * 1024, MAX_COMMAND_LINE_BYTES - 64], make: (n) => '{' + Array.from({ length: n / 10 }, (_, i) => `"k${String(i).padStart(5, '0')}":1`).join(',') + ',"cmd":"quit"}' },
  ],
};

const limits = { maxLength: SAFE_TEXT_MAX_LENGTH, maxLines: SAFE_TEXT_MAX_LINES, maxLineLength: SAFE_TEXT_MAX_LINE_LENGTH, maxMarks: SAFE_TEXT_MAX_COMBINING_MARKS };
const piece = fc.constantFrom('\x1b[31m', '\x1b]52;c;ZXZpbA==\x07', '\x1bP', '\x9b2J', '\u200d', '\u{1F468}', '\u0301', '\ufe0f', '\u202e', '\ud800', '\r\n', '\r', '\n', 'a', ' ', '\t', '\u2028', '\u{E0041}');

export const safeText: FuzzTarget<'string'> = {
  name: 'safe-text',
  kind: 'string',
  seeds: () => loadHostileCorpus().map((e) => e.text),
  generator: () => fc.array(piece, { maxLength: 60 }).map((a) => a.join('')),
  check: (s) => {
    const out = toSafeText(s);
    expectThat(toSafeText(out) === out, 'not idempotent');
    const problem = shapeProblem(out, limits);
    expectThat(problem === null, `unsafe output: ${problem}`);
    const one = toSafeText(s, { singleLine: true, maxLength: 40 });
    expectThat(!one.includes('\n') && one.length <= 40 && toSafeText(one, { singleLine: true, maxLength: 40 }) === one, 'single-line cap');
  },
  linear: [
    { shape: 'escape sequences', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => '\x1b[1;31m'.repeat(n / 7) },
    { shape: 'unterminated OSC', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => '\x1b]' + 'x'.repeat(n) },
    { shape: 'combining marks', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => 'a' + '\u0301'.repeat(n) },
    { shape: 'newlines', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => '\n'.repeat(n) },
    { shape: 'ZWJ emoji', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => '\u{1F468}\u200d'.repeat(n / 3) },
    { shape: 'lone ESC', sizes: [16 * 1024, 128 * 1024, 1024 * 1024], run: (s) => void toSafeText(s), make: (n) => '\x1b'.repeat(n) },
  ],
};
