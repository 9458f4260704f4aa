// What to send a terminal to turn the frame on screen into the next one. We own the whole alternate screen,
// so every row is addressed absolutely (CSI row;1H): no relative cursor moves that drift when the terminal's
// idea of the cursor differs from ours, which is what left stale lines with Ink's incremental mode
// (vadimdemedes/ink#781, #894: it counts up from the bottom of the last frame).

import stringWidth from 'string-width';
import { CLEAR_SCREEN, ERASE_TO_EOL, cursorToRow } from '../terminal.js';

export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

/** The rows of a frame as they will be on screen: split on newlines, clipped to the terminal's height. */
export function frameRows(frame: string, rows: number): string[] {
  const lines = frame === '' ? [] : frame.split('\n');
  return lines.length > rows ? lines.slice(0, Math.max(0, rows)) : lines;
}

/**
 * One row written in place. Erase-to-end-of-line follows the text so the old row's tail goes without a blank
 * flash first; a row exactly as wide as the terminal skips it, because the cursor then sits in the last column
 * (pending wrap) and EL would erase that column's character.
 */
function rowAt(index: number, line: string, columns: number): string {
  return cursorToRow(index + 1) + line + (line === '' || stringWidth(line) < columns ? ERASE_TO_EOL : '');
}

/**
 * Bytes that turn `prev` (rows on screen; undefined: unknown, e.g. after a resize) into `next`. Only rows that
 * differ are written; rows the previous frame used below the new one's end are erased. With no previous frame
 * the screen is cleared and every non-empty row written.
 * Example: `diffRows(['a', 'b'], ['a', 'c'], {columns: 80, rows: 24})` is `ESC[2;1H` + `c` + `ESC[K`.
 */
export function diffRows(prev: readonly string[] | undefined, next: readonly string[], size: ScreenSize): string {
  let out = '';
  if (prev === undefined) {
    out = CLEAR_SCREEN;
    next.forEach((line, i) => {
      // A cleared screen needs no erase, and empty rows need nothing at all.
      if (line !== '') out += cursorToRow(i + 1) + line;
    });
    return out;
  }
  const n = Math.min(size.rows, Math.max(prev.length, next.length));
  for (let i = 0; i < n; i++) {
    const before = prev[i] ?? '';
    const after = next[i] ?? '';
    if (before !== after) out += rowAt(i, after, size.columns);
  }
  return out;
}
