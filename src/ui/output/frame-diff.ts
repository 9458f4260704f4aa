// What to send a terminal to turn the frame on screen into the next one. We own the whole alternate screen,
// so every row is addressed absolutely (CSI row;1H): no relative cursor moves that drift when the terminal's
// idea of the cursor differs from ours, which is what left stale lines with Ink's incremental mode
// (vadimdemedes/ink#781, #894: it counts up from the bottom of the last frame).

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
 * One row written in place: erase it, then write it. Erasing first means no width has to be measured (measuring
 * every changed row with string-width cost ~4 ms per 120x40 page in the tui bench) and no special case for a row
 * exactly as wide as the screen, where EL after the text would erase the last cell (the cursor stays on it,
 * pending wrap). Frames are bracketed in synchronised updates, so the erase is not seen on its own.
 */
function rowAt(index: number, line: string): string {
  return cursorToRow(index + 1) + ERASE_TO_EOL + line;
}

/**
 * Bytes that turn `prev` (rows on screen; undefined: unknown, e.g. after a resize) into `next`. Only rows that
 * differ are written; rows the previous frame used below the new one's end are erased. With no previous frame
 * the screen is cleared and every non-empty row written.
 * Example: `diffRows(['a', 'b'], ['a', 'c'], {columns: 80, rows: 24})` is `ESC[2;1H` + `ESC[K` + `c`.
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
    if (before !== after) out += rowAt(i, after);
  }
  return out;
}
