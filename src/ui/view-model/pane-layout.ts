// Virtualised layout of the conversation pane: given where the view is anchored, produce exactly the
// rows that fit on screen, walking the message store from the anchor. Cost is O(visible rows), not
// O(messages), so a 100k-message conversation draws as fast as a 10-message one.

import stringWidth from 'string-width';
import type { AckState } from '../../core/api/events.js';
import { TUI_WIDTH_CACHE_ENTRIES, TUI_WRAP_CACHE_MESSAGES } from '../../core/limits.js';
import { GenerationalCache } from '../output/generational-cache.js';
import { uiText, untrustedLine, type SafeText } from '../text.js';
import type { MessageRow, MessageStore } from './message-store.js';
import type { Fingerprint, GapVm } from './state.js';
import { graphemes } from '../graphemes.js';

export type PaneRow =
  | { readonly kind: 'day'; readonly key: string; readonly text: SafeText }
  | { readonly kind: 'gap'; readonly key: string; readonly text: SafeText; readonly closed?: boolean }
  | { readonly kind: 'quote'; readonly key: string; readonly text: SafeText }
  | { readonly kind: 'reason'; readonly key: string; readonly text: SafeText }
  | {
      readonly kind: 'msg';
      readonly key: string;
      /** Only on a message's first line. */
      readonly head?: { readonly time: SafeText; readonly name: SafeText; readonly fp: SafeText; readonly colour: number; readonly mark: SafeText };
      readonly text: SafeText;
    };

export interface LayoutInput {
  readonly store: MessageStore;
  readonly gaps: readonly GapVm[];
  /** Index of the message at the bottom of the pane; undefined follows the newest message. */
  readonly anchor?: number;
  readonly height: number;
  readonly width: number;
  /** Fingerprint per sender id (contacts, unknown members). */
  readonly fingerprintOf: (from: string) => Fingerprint;
  readonly showFailReasons?: boolean;
  /** How message times are written (the timestamps and clock settings); absent: 24-hour clock. */
  readonly time?: TimeFormat;
}

/** Message times: a clock (24 or 12 hour), or within a day how long ago ("now", "5m", "3h") as of `now`. */
export interface TimeFormat {
  readonly relative: boolean;
  readonly hour12: boolean;
  /** The time relative times are counted from (ms since the epoch). */
  readonly now: number;
}

export interface Layout {
  readonly rows: readonly PaneRow[];
  /** First and last message index with at least one row on screen (-1 when empty). */
  readonly first: number;
  readonly last: number;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** HH:MM (HH:MM:SS with `seconds`: a retry a few seconds away); with `hour12`, 3:05pm. */
export function clockTime(t: number, seconds = false, hour12 = false): string {
  const d = new Date(t);
  const rest = `${pad2(d.getMinutes())}${seconds ? `:${pad2(d.getSeconds())}` : ''}`;
  if (!hour12) return `${pad2(d.getHours())}:${rest}`;
  const h = d.getHours() % 12;
  return `${h === 0 ? 12 : h}:${rest}${d.getHours() < 12 ? 'am' : 'pm'}`;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * A message's time as the settings say: "now", "5m", "3h" within a day when relative (the day rows above give the
 * date, so older ones keep the clock), else the clock. Padded so heads line up.
 */
export function messageTime(t: number, f?: TimeFormat): string {
  if (f === undefined) return clockTime(t);
  const ago = f.now - t;
  if (f.relative && ago >= 0 && ago < 24 * HOUR_MS) {
    const text = ago < MINUTE_MS ? 'now' : ago < HOUR_MS ? `${Math.floor(ago / MINUTE_MS)}m` : `${Math.floor(ago / HOUR_MS)}h`;
    return text.padStart(3);
  }
  return f.hour12 ? clockTime(t, false, true).padStart(7) : clockTime(t);
}

export function dayLabel(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

function dayKey(t: number): number {
  const d = new Date(t);
  return d.getFullYear() * 400 + d.getMonth() * 32 + d.getDate();
}

export function ackMark(m: { readonly outgoing: boolean; readonly ack: AckState }): string {
  if (!m.outgoing) return '';
  switch (m.ack) {
    case 'pending':
      return '○';
    case 'sent':
      return '✓';
    case 'acknowledged':
      return '✓✓';
    case 'failed':
      return '✗';
  }
}

/**
 * Where a gap's messages went missing, from the times of the messages around it: "between 10:01 and 10:05",
 * "after 10:01", "before 10:05", or undefined when neither time is known. Shared by the marker and linear mode.
 */
export function gapSpanText(g: { readonly beforeTime?: number; readonly afterTime?: number }): string | undefined {
  const from = g.beforeTime === undefined ? undefined : clockTime(g.beforeTime);
  const to = g.afterTime === undefined ? undefined : clockTime(g.afterTime);
  if (from !== undefined && to !== undefined) return `between ${from} and ${to}`;
  if (from !== undefined) return `after ${from}`;
  if (to !== undefined) return `before ${to}`;
  return undefined;
}

/** The in-place marker for a missing stretch of group history. */
export function gapMarkerText(g: GapVm): string {
  const span = gapSpanText(g) ?? 'here';
  if (!g.open) return `⟂ messages that were missing ${span} — repaired from ${g.closedFrom ?? 'a member'} (signed by their authors, checked)`;
  const state = g.repairing !== undefined ? `asking ${g.repairing} for them` : 'server withheld or pruned';
  return `⟂ messages missing ${span} — ${state} (reported: ${g.cause})`;
}

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * Terminal cells `s` takes (emoji and CJK count as two). Printable ASCII is one cell a character and skips
 * string-width, whose grapheme segmenting was the largest cost of a page scroll (tui bench, PgUp/PgDn).
 */
export function cellWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  // The rest that recurs row after row (fingerprints, names, marks) is measured once; bounded so hostile
  // variety cannot grow it without end.
  let w = wideCells.get(s);
  if (w === undefined) {
    w = stringWidth(s);
    if (wideCells.size >= TUI_WIDTH_CACHE_ENTRIES) wideCells.clear();
    wideCells.set(s, w);
  }
  return w;
}

const wideCells = new Map<string, number>();

/**
 * What a terminal draws as one character: grapheme clusters, not code points ('❤' + U+FE0F is one two-cell
 * emoji; measured code point by code point it was one cell and lines overflowed). ASCII skips the segmenter.
 */
function* clusters(s: string): Generator<string> {
  if (PRINTABLE_ASCII.test(s)) yield* s;
  else for (const g of graphemes.segment(s)) yield g.segment;
}

/**
 * Split text into lines no wider than `width` terminal cells (emoji and CJK count as two), the first line
 * `width` wide and the rest `restWidth`. Lines break between words, at spaces (which the break consumes); a word
 * that fits no line is broken where it must be, between characters (grapheme clusters). A first word too wide
 * for the first line but not for the next ones starts on the next line (the first line is then empty). Hard
 * newlines are kept.
 */
export function wrapCells(text: string, width: number, restWidth = width): string[] {
  let w = Math.max(1, width);
  const rest = Math.max(1, restWidth);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    // Fast path: most lines are short ASCII.
    if (para.length <= w && cellWidth(para) <= w) {
      out.push(para);
      w = rest;
      continue;
    }
    const chars = [...clusters(para)];
    const widths = chars.map((c) => cellWidth(c));
    const take = (from: number, to: number): void => {
      out.push(chars.slice(from, to).join(''));
      w = rest;
    };
    const skipSpaces = (from: number): number => {
      let k = from;
      while (k < chars.length && chars[k] === ' ') k++;
      return k;
    };
    /** Cells of the word starting at `from` (up to the next space). */
    const wordWidth = (from: number): number => {
      let sum = 0;
      for (let k = from; k < chars.length && chars[k] !== ' '; k++) sum += widths[k]!;
      return sum;
    };
    let start = 0;
    let cells = 0;
    let space = -1;
    let i = 0;
    while (i < chars.length) {
      const ch = chars[i]!;
      const cw = widths[i]!;
      if (cells + cw > w && i > start) {
        if (ch === ' ') {
          take(start, i);
          start = skipSpaces(i);
        } else if (space > start) {
          // Back to the last space: the word after it starts the next line (broken there only if it must be).
          take(start, space);
          start = skipSpaces(space);
        } else {
          take(start, i);
          start = i;
        }
        i = start;
        cells = 0;
        space = -1;
        continue;
      }
      if (cells === 0 && i === start && out.length === 0 && w < rest && cw <= w && wordWidth(i) > w && wordWidth(i) <= rest) {
        // The first word fits a continuation line but not the first line: start it there, unbroken.
        take(start, start);
        continue;
      }
      if (ch === ' ') space = i;
      cells += cw;
      i++;
    }
    // Spaces consumed by the last break leave nothing to put on a line of its own.
    if (start < chars.length || start === 0) take(start, chars.length);
  }
  return out;
}

/**
 * `text` cut to at most `width` cells between characters, reading no further than it needs; with `atLeastOne`,
 * a first character wider than `width` is kept rather than nothing.
 */
function cutCells(text: string, width: number, atLeastOne = true): string {
  let out = '';
  let cells = 0;
  for (const ch of clusters(text)) {
    const cw = cellWidth(ch);
    if (cells + cw > width && (out.length > 0 || !atLeastOne)) break;
    out += ch;
    cells += cw;
  }
  return out;
}

interface Wrapped {
  readonly firstWidth: number;
  readonly width: number;
  /** The first line (beside the head) and the indented continuation lines, already made safe. */
  readonly first: SafeText;
  readonly rest: readonly SafeText[];
}

// A message's text wrapped for a width, kept for the messages shown lately (not all 100k paged through): scrolling
// back and forth, and every frame that re-lays the pane, rewraps only messages not shown at this width lately.
const wrapCache = new GenerationalCache<Wrapped, MessageRow>(TUI_WRAP_CACHE_MESSAGES);

function wrapMessage(m: MessageRow, firstWidth: number, indent: number, width: number): Wrapped {
  const make = (): Wrapped => {
    // Continuation lines get the full width minus the indent; no room beside the head puts all the text below it.
    const lines = firstWidth > 0 ? wrapCells(m.text, firstWidth, width - indent) : m.text === '' ? [''] : ['', ...wrapCells(m.text, width - indent)];
    const rest = lines.slice(1).map((l) => uiText(' '.repeat(indent) + l));
    return { firstWidth, width, first: uiText(lines[0] ?? ''), rest };
  };
  const hit = wrapCache.get(m, make);
  if (hit.firstWidth === firstWidth && hit.width === width) return hit;
  return wrapCache.set(m, make());
}

/** `name` cut to `room` cells, the cut marked with an ellipsis (just the ellipsis when nothing else fits). */
function fitName(name: SafeText, room: number): SafeText {
  if (cellWidth(name) <= room) return name;
  return uiText(`${cutCells(name, room - 1, false).trimEnd()}…`);
}

function messageRows(m: MessageRow, i: number, input: LayoutInput): PaneRow[] {
  const fp = m.outgoing ? undefined : input.fingerprintOf(m.from);
  const time = messageTime(m.time, input.time);
  const mark = ackMark(m);
  const fpText = fp === undefined ? '' : `#${fp.short}`;
  // The head as ConversationPane draws it, `${time} ${name}[ ${fp}][ ${mark}] `, measured piece by piece: widths
  // add up across spaces, and the pieces recur (cached) or are ASCII (the fast path) while the whole is neither.
  const fixedWidth = cellWidth(time) + 1 + (fpText === '' ? 0 : 1 + cellWidth(fpText)) + (mark === '' ? 0 : 1 + cellWidth(mark)) + 1;
  // The head and the first line are separate Ink texts and must fit the row together: a long (self-chosen)
  // name is cut to leave the text its 8 cells, never the fingerprint; a pane too narrow for even that puts the
  // text below the head.
  const beside = input.width - fixedWidth - 2 >= 8;
  const name = fitName(m.fromName, beside ? input.width - 8 - fixedWidth : input.width - fixedWidth);
  const headWidth = fixedWidth + cellWidth(name);
  // Continuation lines are indented under the head, unless the pane is too narrow to spare the cells.
  const indent = input.width >= 24 ? 6 : 0;
  const rows: PaneRow[] = [];
  if (m.quote !== undefined) {
    // Only the quote's first line, cut to the row: never the whole quoted message wrapped (a peer may quote 16 KB).
    rows.push({ kind: 'quote', key: `q${i}`, text: uiText(`      ┃ ${cutCells(m.quote.split('\n', 1)[0] ?? '', Math.max(1, input.width - 8))}`) });
  }
  const firstWidth = beside ? Math.max(8, input.width - headWidth) : 0;
  const wrapped = wrapMessage(m, firstWidth, indent, input.width);
  rows.push({
    kind: 'msg',
    key: `m${i}`,
    head: { time: uiText(time), name, fp: uiText(fpText), colour: fp?.colour ?? 7, mark: uiText(mark) },
    text: wrapped.first,
  });
  wrapped.rest.forEach((text, j) => rows.push({ kind: 'msg', key: `m${i}.${j}`, text }));
  if (m.ack === 'failed' && m.outgoing && input.showFailReasons === true) {
    rows.push({ kind: 'reason', key: `r${i}`, text: uiText(`      ✗ could not send: ${m.failReason ?? 'no reason given'}`) });
  }
  return rows;
}

interface GapIndex {
  readonly afterMessage: Map<string, GapVm[]>;
  readonly beforeMessage: Map<string, GapVm[]>;
  readonly atTop: GapVm[];
}

function indexGaps(store: MessageStore, gaps: readonly GapVm[]): GapIndex {
  const idx: GapIndex = { afterMessage: new Map(), beforeMessage: new Map(), atTop: [] };
  for (const g of gaps) {
    // A gap closed by a member's repair stays as a dim line: those messages did not come from the server.
    if (!g.open && g.closedBy !== 'peer') continue;
    if (g.before !== undefined && store.positionOf(g.before) !== undefined) idx.afterMessage.set(g.before, [...(idx.afterMessage.get(g.before) ?? []), g]);
    else if (g.after !== undefined && store.positionOf(g.after) !== undefined) idx.beforeMessage.set(g.after, [...(idx.beforeMessage.get(g.after) ?? []), g]);
    else idx.atTop.push(g);
  }
  return idx;
}

function gapRow(g: GapVm): PaneRow {
  return { kind: 'gap', key: `g${g.gapId}`, text: untrustedLine(gapMarkerText(g)), ...(g.open ? {} : { closed: true }) };
}

/** All rows belonging to message i: day separator, gaps before it, the message, gaps after it. */
function blockFor(i: number, input: LayoutInput, gi: GapIndex): PaneRow[] {
  const m = input.store.at(i)!;
  const prev = input.store.at(i - 1);
  const rows: PaneRow[] = [];
  if (i === 0) for (const g of gi.atTop) rows.push(gapRow(g));
  if (prev === undefined || dayKey(prev.time) !== dayKey(m.time)) rows.push({ kind: 'day', key: `d${i}`, text: uiText(`── ${dayLabel(m.time)} ──`) });
  for (const g of gi.beforeMessage.get(m.messageId) ?? []) rows.push(gapRow(g));
  rows.push(...messageRows(m, i, input));
  for (const g of gi.afterMessage.get(m.messageId) ?? []) rows.push(gapRow(g));
  return rows;
}

/** The rows on screen, bottom-anchored at `anchor` (or the newest message). */
export function layoutPane(input: LayoutInput): Layout {
  const n = input.store.length;
  if (n === 0 || input.height <= 0) return { rows: [], first: -1, last: -1 };
  const gi = indexGaps(input.store, input.gaps);
  const last = Math.min(n - 1, Math.max(0, input.anchor ?? n - 1));
  const blocks: PaneRow[][] = [];
  let count = 0;
  let first = last;
  for (let i = last; i >= 0 && count < input.height; i--) {
    const b = blockFor(i, input, gi);
    blocks.push(b);
    count += b.length;
    first = i;
  }
  const rows = blocks.reverse().flat();
  return { rows: rows.slice(Math.max(0, rows.length - input.height)), first, last };
}

/** The anchor that shows the oldest messages at the top of the pane. */
export function anchorForTop(input: Omit<LayoutInput, 'anchor'>): number {
  const n = input.store.length;
  if (n === 0) return 0;
  const gi = indexGaps(input.store, input.gaps);
  let count = 0;
  for (let i = 0; i < n; i++) {
    count += blockFor(i, input, gi).length;
    if (count >= input.height) return i;
  }
  return n - 1;
}

/** The scroll commands of the conversation pane (keys/commands.ts). */
export type PaneScroll = 'scroll.pageUp' | 'scroll.pageDown' | 'scroll.top' | 'scroll.bottom';

/**
 * Where a scroll command leaves the pane's anchor (undefined follows the newest message), from the real layout:
 * PgUp puts the top message at the bottom (a message taller than the pane steps back one), PgDn moves on as many
 * messages as were on screen and follows the newest once it reaches it, Alt+Home shows the oldest from the top.
 */
export function scrolledAnchor(command: PaneScroll, input: Omit<LayoutInput, 'anchor'>, anchor: number | undefined): number | undefined {
  const n = input.store.length;
  if (n === 0 || command === 'scroll.bottom') return undefined;
  if (command === 'scroll.top') return anchorForTop(input);
  const l = layoutPane({ ...input, anchor });
  if (command === 'scroll.pageUp') return Math.max(0, l.first < l.last ? l.first : l.last - 1);
  if (anchor === undefined) return undefined;
  const next = anchor + Math.max(1, l.last - l.first);
  return next >= n - 1 ? undefined : next;
}
