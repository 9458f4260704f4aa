// An independent check of what SafeText promises, written from the spec rather than from the filter, so a
// filter bug cannot hide itself. Returns the first broken promise, or null.

import { containsTerminalControl } from '../../../src/core/text/safe-text.js';

const HIDDEN = /^[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]$/u;
const MARK = /^\p{M}$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;
const EMOJI_END = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}]$/u;
const SELECTOR = /^\p{Variation_Selector}$/u;

export interface ShapeLimits {
  readonly maxLength: number;
  readonly maxLines: number;
  readonly maxLineLength: number;
  readonly maxMarks: number;
}

export function shapeProblem(out: string, lim: ShapeLimits): string | null {
  if (containsTerminalControl(out)) return 'terminal control';
  if (!out.isWellFormed()) return 'lone surrogate';
  if (out.length > lim.maxLength) return `length ${out.length} > ${lim.maxLength}`;
  const lines = out.split('\n');
  if (lines.length > lim.maxLines) return `${lines.length} lines > ${lim.maxLines}`;
  for (const l of lines) if (l.length > lim.maxLineLength) return `line of ${l.length} > ${lim.maxLineLength}`;
  const cps = [...out];
  let marks = 0;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const prev = i > 0 ? cps[i - 1]! : '\n';
    if (ch === '\u200d') {
      // Walk back over marks and selectors to the emoji (or skin tone) the joiner follows.
      let j = i - 1;
      while (j >= 0 && MARK.test(cps[j]!)) j--;
      if (j < 0 || !EMOJI_END.test(cps[j]!) || !EMOJI.test(cps[i + 1] ?? '')) return `ZWJ outside an emoji at ${i}`;
      marks = 0;
      continue;
    }
    if (SELECTOR.test(ch)) {
      if (prev === '\n' || MARK.test(prev) || prev === '\u200d') return `variation selector without a base at ${i}`;
    } else if (HIDDEN.test(ch)) return `hidden U+${ch.codePointAt(0)!.toString(16)} at ${i}`;
    if (MARK.test(ch)) {
      if (prev === '\n') return `mark at line start at ${i}`;
      if (++marks > lim.maxMarks) return `more than ${lim.maxMarks} marks at ${i}`;
    } else marks = 0;
  }
  return null;
}
