// A frame builder for Ink that keeps its work between frames. Ink 6.8's Output.get() builds every frame from
// nothing: a fresh width×height grid of cell objects, every line re-tokenised and every character re-measured
// (its caches live for one frame), every row re-serialised. With 100k messages open at 120x40 that was ~60 % of
// a keystroke's CPU and most of the garbage whose full GCs set the keystroke p99. A fastGet computes the same
// string — property-tested byte for byte against Ink's own get() — but reuses one grid, keeps tokenised lines and
// character widths across frames (bounded), and re-serialises only rows whose cells changed. Those are the state
// of one createFastGet() (nothing here is module-wide), which output-patch.ts installs on Ink's Output class
// while a TUI is mounted, behind the gate (gate.ts). Upstream-worthy: Ink could do the same.

import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, tokenize, type AnsiCode, type StyledChar } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { TUI_FRAME_LINE_CACHE_ENTRIES, TUI_WIDTH_CACHE_ENTRIES } from '../../core/limits.js';
import { GenerationalCache } from '../output/generational-cache.js';

interface InkClip {
  readonly x1: number | undefined;
  readonly x2: number | undefined;
  readonly y1: number | undefined;
  readonly y2: number | undefined;
}
type InkTransformer = (line: string, index: number) => string;
type InkOperation =
  | { readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: readonly InkTransformer[] }
  | { readonly type: 'clip'; readonly clip: InkClip }
  | { readonly type: 'unclip' };

/** What get() reads of an Ink Output: its size and the operations renderNodeToOutput recorded. */
export interface InkOutputState {
  readonly width: number;
  readonly height: number;
  readonly operations: readonly InkOperation[];
}
export interface InkFrame {
  readonly output: string;
  readonly height: number;
}
/** Ink's Output.get(), or one standing in for it: reads `this` as Ink's method does. */
export type GetFn = (this: InkOutputState) => InkFrame;
/** Ink's Output class as far as we touch it. */
export interface InkOutputClass {
  new (options: { width: number; height: number }): InkOutputState & {
    write(x: number, y: number, text: string, options: { transformers: InkTransformer[] }): void;
    clip(clip: InkClip): void;
    unclip(): void;
    get(): InkFrame;
  };
  prototype: { get: GetFn };
}

type Cell = StyledChar;
/** One line, tokenised once: its cells, each cell's printed width (≥ 1), and the cells that pad a wide one. */
interface LineCells {
  readonly cells: readonly Cell[];
  readonly widths: readonly number[];
  readonly fillers: readonly (Cell | undefined)[];
}

// Ink gives every blank its own object; one shared one prints the same and lets unchanged rows compare equal.
const BLANK: Cell = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) as unknown as Cell['styles'] });

/** Same styles, by content: ansi-tokenize's diff of two such lists is empty (it undoes only codes `to` lacks). */
const sameStyles = (a: Cell['styles'], b: Cell['styles']): boolean => {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
};

/**
 * ansi-tokenize's styledCharsToString, same output, but neighbours with the same styles (nearly all of them) skip
 * the diff, which allocated three Sets and several arrays per character (1.7 GB in one tui bench run).
 */
function rowString(chars: readonly Cell[]): string {
  let ret = '';
  const n = chars.length;
  for (let i = 0; i < n; i++) {
    const c = chars[i]!;
    if (i === 0) ret += ansiCodesToString(c.styles);
    else if (!sameStyles(chars[i - 1]!.styles, c.styles)) ret += ansiCodesToString(diffAnsiCodes(chars[i - 1]!.styles, c.styles));
    ret += c.value;
    if (i === n - 1 && c.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(c.styles, []));
  }
  return ret;
}

/**
 * ansi-tokenize's styledCharsFromTokens(tokenize(line)), same cells, but each character token becomes its cell
 * (no copy) and characters in a run share one styles list (it copied both per character). The lists are never
 * mutated: reduceAnsiCodesIncremental returns a new one.
 */
function styledCells(line: string): Cell[] {
  let codes: AnsiCode[] = [];
  const cells: Cell[] = [];
  for (const token of tokenize(line)) {
    if (token.type === 'ansi') {
      const next = reduceAnsiCodesIncremental(codes, [token]);
      if (!sameStyles(next, codes)) codes = next;
    } else {
      const cell = token as Cell;
      cell.styles = codes;
      cells.push(cell);
    }
  }
  return cells;
}

const sameCells = (a: readonly Cell[], b: readonly Cell[] | undefined): boolean => {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** An index a plain array would store as an element (Ink's negative or fractional ones become ignored properties). */
const isSlot = (i: number): boolean => Number.isInteger(i) && i >= 0;

/** One fastGet and what it keeps between frames: its caches, its grid and the last frame's rows. */
export interface FastGet {
  /** Ink's Output.get(), same result, less work: install it on Ink's Output prototype (or call it with an Output). */
  readonly get: GetFn;
  /** Forget the rows remembered from the last frame (tests; harmless otherwise). */
  resetRows(): void;
}

/**
 * A fastGet with its own state. `stockGet` is Ink's own get(), for the frames fastGet leaves to Ink (sizes that
 * are not whole cells).
 */
export function createFastGet(stockGet: GetFn): FastGet {
  const widths = new GenerationalCache<number>(TUI_WIDTH_CACHE_ENTRIES);
  const widestLines = new GenerationalCache<number>(TUI_WIDTH_CACHE_ENTRIES);
  const lines = new GenerationalCache<LineCells>(TUI_FRAME_LINE_CACHE_ENTRIES);

  const widthOf = (text: string): number => widths.get(text, stringWidth);
  const widestLineOf = (text: string): number =>
    widestLines.get(text, (t) => {
      let w = 0;
      for (const line of t.split('\n')) w = Math.max(w, widthOf(line));
      return w;
    });
  const lineCells = (line: string): LineCells =>
    lines.get(line, (l) => {
      const cells = styledCells(l);
      const ws = cells.map((c) => Math.max(1, widthOf(c.value)));
      // The cells a wide character covers print nothing but carry its styles (as Ink's do).
      const fillers = cells.map((c, i) => (ws[i]! > 1 ? { type: 'char' as const, value: '', fullWidth: false, styles: c.styles } : undefined));
      return { cells, widths: ws, fillers };
    });

  // One grid, refilled every frame. The previous frame's rows are kept as copies, taken only when a row changed, so
  // nothing a frame leaves half-built (a transformer that throws) can pass for the previous frame.
  const grid: Cell[][] = [];
  /** The previous frame's rows (cells as placed, copied) and their strings, by row index. */
  let prevRows: (readonly Cell[])[] = [];
  let prevStrings: string[] = [];

  /**
   * Ink's Output.get(), same result, less work: see the file comment. Reads `this` like Ink's method (installed on
   * its prototype); every quirk of Ink's placement is kept (rows written past the width extend the row; a line
   * landing outside the grid stops the rest of its text from advancing).
   */
  function get(this: InkOutputState): InkFrame {
    const { width, height } = this;
    // Yoga rounds sizes to whole cells; anything else is not an array length, and Ink's own get() copes with it.
    if (!(isSlot(width) && isSlot(height))) return stockGet.call(this);
    grid.length = height;
    for (let y = 0; y < height; y++) {
      const row = (grid[y] ??= []);
      row.length = width;
      row.fill(BLANK);
    }
    const clips: InkClip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let textLines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
        const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
        if (clipHorizontally) {
          const w = widestLineOf(text);
          if (x + w < clip.x1! || x > clip.x2!) continue;
        }
        if (clipVertically) {
          if (y + textLines.length < clip.y1! || y > clip.y2!) continue;
        }
        if (clipHorizontally) {
          textLines = textLines.map((line) => {
            const from = x < clip.x1! ? clip.x1! - x : 0;
            const w = widthOf(line);
            const to = x + w > clip.x2! ? clip.x2! - x : w;
            return sliceAnsi(line, from, to);
          });
          if (x < clip.x1!) x = clip.x1!;
        }
        if (clipVertically) {
          const from = y < clip.y1! ? clip.y1! - y : 0;
          const h = textLines.length;
          const to = y + h > clip.y2! ? clip.y2! - y : h;
          textLines = textLines.slice(from, to);
          if (y < clip.y1!) y = clip.y1!;
        }
      }
      let offsetY = 0;
      for (let index = 0; index < textLines.length; index++) {
        const r = y + offsetY;
        // Ink indexes a plain array here: anything but a row of the grid is "missing" and the line is skipped.
        if (!(isSlot(r) && r < height)) continue;
        const row = grid[r]!;
        let line = textLines[index]!;
        for (const transformer of transformers) line = transformer(line, index);
        const placed = lineCells(line);
        let offsetX = x;
        for (let i = 0; i < placed.cells.length; i++) {
          if (isSlot(offsetX)) row[offsetX] = placed.cells[i]!;
          const w = placed.widths[i]!;
          if (w > 1) {
            const filler = placed.fillers[i]!;
            for (let k = 1; k < w; k++) if (isSlot(offsetX + k)) row[offsetX + k] = filler;
          }
          offsetX += w;
        }
        offsetY++;
      }
    }
    const out: string[] = new Array<string>(height);
    for (let y = 0; y < height; y++) {
      let row: readonly Cell[] = grid[y]!;
      // Only writes past the width can leave holes; Ink drops them.
      if (row.length > width && row.includes(undefined as unknown as Cell)) row = row.filter((c) => c !== undefined);
      if (sameCells(row, prevRows[y])) {
        out[y] = prevStrings[y]!;
      } else {
        const s = rowString(row).trimEnd();
        out[y] = s;
        prevStrings[y] = s;
        prevRows[y] = row === grid[y] ? row.slice() : row;
      }
    }
    prevRows.length = height;
    prevStrings.length = height;
    return { output: out.join('\n'), height };
  }

  return {
    get,
    resetRows() {
      prevRows = [];
      prevStrings = [];
    },
  };
}
