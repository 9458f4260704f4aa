// What the composer draws: which lines of the draft fit, and the cursor line split around the cursor cell so it
// can be drawn in inverse video. Pure, so the horizontal scrolling (by display width: emoji and CJK take two
// cells) is unit-tested without a terminal.

import stringWidth from 'string-width';
import { nextGrapheme } from '../keys/composer.js';

export interface ComposerLine {
  /** '> ' on the draft's first line, '  ' on the others, '…' when the line is scrolled left. */
  readonly prefix: string;
  readonly before: string;
  /** Only on the cursor line: the grapheme under the cursor, or a space at the line's end. */
  readonly at?: string;
  readonly after: string;
}

/**
 * The lines to draw for `text` with the cursor at `cursor`, at most `maxLines` of them (the cursor's line is
 * always among them) in a `width`-cell row.
 * Example: `composerLines('hi', 1, 80, 8)` → `[{prefix: '> ', before: 'h', at: 'i', after: ''}]`.
 */
export function composerLines(text: string, cursor: number, width: number, maxLines: number): ComposerLine[] {
  const lines = text.split('\n');
  let offset = 0;
  let li = 0;
  while (li < lines.length - 1 && cursor > offset + lines[li]!.length) {
    offset += lines[li]!.length + 1;
    li++;
  }
  const start = Math.min(Math.max(0, lines.length - maxLines), li);
  const out: ComposerLine[] = [];
  for (let i = start; i < Math.min(lines.length, start + maxLines); i++) {
    const line = lines[i]!;
    const prefix = i === 0 ? '> ' : '  ';
    if (i !== li) {
      out.push({ prefix, before: line, after: '' });
      continue;
    }
    const col = Math.max(0, Math.min(line.length, cursor - offset));
    const end = nextGrapheme(line, col);
    const at = col < line.length ? line.slice(col, end) : ' ';
    out.push(scrolled(prefix, line.slice(0, col), at, line.slice(end), width));
  }
  return out;
}

/** Drop graphemes from the left until prefix, text before the cursor and the cursor cell fit `width`. */
function scrolled(prefix: string, before: string, at: string, after: string, width: number): ComposerLine {
  const room = Math.max(1, width - stringWidth(at));
  if (stringWidth(prefix + before) <= room) return { prefix, before, at, after };
  let cut = 0;
  let w = stringWidth(before);
  const target = room - 1; // '…'
  while (cut < before.length && w > target) {
    const next = nextGrapheme(before, cut);
    w -= stringWidth(before.slice(cut, next));
    cut = next;
  }
  return { prefix: '…', before: before.slice(cut), at, after };
}
