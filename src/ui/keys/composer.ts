// The composer as a pure state machine over keypresses: typing, bracketed paste, readline editing (cursor by
// grapheme, kill/word commands, Up/Down history) and the rules that keep a paste from ever sending by itself.
// The component only renders `text` around `cursor` and acts on `out`.

import stringWidth from 'string-width';
import { PASTE_END, PASTE_START } from '../terminal.js';
import { matchKey, type Binding, type KeyInfo, DEFAULT_BINDINGS } from './bindings.js';
import type { KeyCommand } from './commands.js';
import { PASTE_CONFIRM_LINES, TUI_COMPOSER_HISTORY } from '../../core/limits.js';
import { graphemes } from '../graphemes.js';

export interface ComposerState {
  readonly text: string;
  /** Insertion point, a UTF-16 offset into `text` that is always on a grapheme boundary. */
  readonly cursor: number;
  /** Between ESC[200~ and ESC[201~: everything is literal text. */
  readonly pasting: boolean;
  /** The text holds a paste of more than PASTE_CONFIRM_LINES lines: Enter asks first. */
  readonly largePaste: boolean;
  /** The user was asked "send N lines?" and the next Enter sends. */
  readonly confirming: boolean;
  /** Lines sent this session, oldest first (at most TUI_COMPOSER_HISTORY). */
  readonly history: readonly string[];
  /** While walking history with Up/Down: the entry shown. Any edit ends the walk. */
  readonly historyAt?: number;
  /**
   * While moving Up/Down through a multi-line draft: the display column (terminal cells) the cursor aims for, so
   * passing a shorter line does not lose it. Any other key forgets it.
   */
  readonly goalColumn?: number;
}

export const EMPTY_COMPOSER: ComposerState = { text: '', cursor: 0, pasting: false, largePaste: false, confirming: false, history: [] };

export type ComposerOut =
  | { readonly type: 'submit'; readonly text: string }
  | { readonly type: 'command'; readonly command: KeyCommand };

export interface ComposerStep {
  readonly state: ComposerState;
  readonly out: readonly ComposerOut[];
}

export function lineCount(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length;
}

const isPasteStart = (s: string): boolean => s === PASTE_START || s === PASTE_START.slice(1);
const isPasteEnd = (s: string): boolean => s === PASTE_END || s === PASTE_END.slice(1);

/** Pasted CR/CRLF become LF so a paste reads the same from every terminal. */
function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/** The grapheme boundary before `i` (0 at the start). `containing` asks ICU locally, not from the text's start. */
export function prevGrapheme(text: string, i: number): number {
  if (i <= 0) return 0;
  return graphemes.segment(text).containing(i - 1)?.index ?? 0;
}

/** The grapheme boundary after `i` (text.length at the end). */
export function nextGrapheme(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const g = graphemes.segment(text).containing(i);
  return g === undefined ? text.length : g.index + g.segment.length;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;

/** Start of the word before the cursor (readline backward-word: skip non-word, then word characters). */
function wordLeft(text: string, i: number): number {
  let j = i;
  while (j > 0 && !WORD.test(text.slice(prevGrapheme(text, j), j))) j = prevGrapheme(text, j);
  while (j > 0 && WORD.test(text.slice(prevGrapheme(text, j), j))) j = prevGrapheme(text, j);
  return j;
}

/** End of the word after the cursor (readline forward-word). */
function wordRight(text: string, i: number): number {
  let j = i;
  while (j < text.length && !WORD.test(text.slice(j, nextGrapheme(text, j)))) j = nextGrapheme(text, j);
  while (j < text.length && WORD.test(text.slice(j, nextGrapheme(text, j)))) j = nextGrapheme(text, j);
  return j;
}

/** Start of the whitespace-delimited word before the cursor (Ctrl+W, unix-word-rubout). */
function bigWordLeft(text: string, i: number): number {
  const head = text.slice(0, i);
  return head.replace(/\S*\s*$/u, '').length;
}

const lineStart = (text: string, i: number): number => text.lastIndexOf('\n', i - 1) + 1;
function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : n;
}

function edited(s: ComposerState, text: string, cursor: number): ComposerState {
  const largePaste = s.largePaste && lineCount(text) > PASTE_CONFIRM_LINES;
  const { historyAt: _h, goalColumn: _g, ...rest } = s;
  return { ...rest, text, cursor, confirming: false, largePaste };
}

/** Replace the whole text (completion, a refused send put back), cursor at its end. */
export function withComposerText(s: ComposerState, text: string): ComposerState {
  return edited(s, text, text.length);
}

function splice(s: ComposerState, from: number, to: number, insert: string): ComposerState {
  return edited(s, s.text.slice(0, from) + insert + s.text.slice(to), from + insert.length);
}

function moveTo(s: ComposerState, cursor: number): ComposerState {
  const { goalColumn: _g, ...rest } = s;
  return cursor === s.cursor && s.goalColumn === undefined ? s : { ...rest, cursor };
}

/**
 * Up (-1) or Down (+1) one line of a multi-line draft, keeping the display column (by grapheme and cell width: an
 * emoji or CJK character is two cells) where the target line is long enough. Undefined on the first line going up
 * or the last going down: the caller decides what that means (history, or nothing).
 */
export function verticalMove(s: ComposerState, dir: -1 | 1): ComposerState | undefined {
  const { text, cursor } = s;
  const start = lineStart(text, cursor);
  const end = lineEnd(text, cursor);
  if (dir < 0 ? start === 0 : end === text.length) return undefined;
  const target = dir < 0 ? lineStart(text, start - 1) : end + 1;
  const targetEnd = lineEnd(text, target);
  const goal = s.goalColumn ?? stringWidth(text.slice(start, cursor));
  let i = target;
  let width = 0;
  while (i < targetEnd) {
    const next = nextGrapheme(text, i);
    const w = stringWidth(text.slice(i, next));
    // A wide character across the goal column: stop before it rather than overshoot.
    if (width + w > goal) break;
    width += w;
    i = next;
  }
  return { ...s, cursor: i, goalColumn: goal };
}

function insertPaste(s: ComposerState, pasted: string): ComposerState {
  const next = splice(s, s.cursor, s.cursor, normaliseNewlines(pasted));
  return { ...next, largePaste: s.largePaste || lineCount(next.text) > PASTE_CONFIRM_LINES };
}

function showHistory(s: ComposerState, at: number | undefined): ComposerState {
  const { historyAt: _h, goalColumn: _g, ...rest } = s;
  const text = at === undefined ? '' : (s.history[at] ?? '');
  return { ...rest, text, cursor: text.length, confirming: false, largePaste: false, ...(at !== undefined ? { historyAt: at } : {}) };
}

function remember(history: readonly string[], text: string): readonly string[] {
  if (history[history.length - 1] === text) return history;
  return [...history, text].slice(-TUI_COMPOSER_HISTORY);
}

const step = (state: ComposerState): ComposerStep => ({ state, out: [] });

/** Cursor movement and editing keys that are not bindings (readline's defaults). Undefined: not an editing key. */
function editKey(s: ComposerState, input: string, key: KeyInfo): ComposerState | undefined {
  const { text, cursor } = s;
  const plain = !key.ctrl && !key.meta;
  if (key.leftArrow) return moveTo(s, key.ctrl || key.meta ? wordLeft(text, cursor) : prevGrapheme(text, cursor));
  if (key.rightArrow) return moveTo(s, key.ctrl || key.meta ? wordRight(text, cursor) : nextGrapheme(text, cursor));
  if ((key.home && plain) || (key.ctrl && input === 'a')) return moveTo(s, lineStart(text, cursor));
  if ((key.end && plain) || (key.ctrl && input === 'e')) return moveTo(s, lineEnd(text, cursor));
  if (key.meta && input === 'b') return moveTo(s, wordLeft(text, cursor));
  if (key.meta && input === 'f') return moveTo(s, wordRight(text, cursor));
  // Ctrl+K kills to the end of the line (at a line's end: the newline); with nothing after the cursor it stays the switcher.
  if (key.ctrl && input === 'k' && cursor < text.length) return splice(s, cursor, Math.max(lineEnd(text, cursor), cursor + 1), '');
  if (key.ctrl && input === 'u') return splice(s, lineStart(text, cursor), cursor, '');
  if (key.ctrl && input === 'w') return splice(s, bigWordLeft(text, cursor), cursor, '');
  // Alt+Backspace arrives as meta + delete (ESC 0x7f) or meta + backspace (ESC 0x08).
  if (key.meta && (key.backspace || (key.delete && key.deleteForward !== true))) return splice(s, wordLeft(text, cursor), cursor, '');
  if (key.deleteForward === true || (key.ctrl && input === 'd' && text.length > 0)) {
    return cursor < text.length ? splice(s, cursor, nextGrapheme(text, cursor), '') : s;
  }
  if (key.backspace || key.delete) return cursor > 0 ? splice(s, prevGrapheme(text, cursor), cursor, '') : s;
  return undefined;
}

/**
 * Feed one keypress (as Ink's useInput reports it).
 * Example: feeding "hi" then Enter yields `{type: 'submit', text: 'hi'}` and an empty composer.
 */
export function feedKey(s: ComposerState, input: string, key: KeyInfo, bindings: readonly Binding[] = DEFAULT_BINDINGS): ComposerStep {
  if (isPasteStart(input)) return step({ ...s, pasting: true });
  if (isPasteEnd(input)) return step({ ...s, pasting: false });
  if (s.pasting) {
    // Inside a bracketed paste a Return is a newline, never a send.
    if (key.return) return step(insertPaste(s, '\n'));
    if (key.tab) return step(insertPaste(s, '\t'));
    if (input.length > 0 && !key.ctrl && !key.escape) return step(insertPaste(s, input));
    return step(s);
  }
  // Without bracketed paste one stdin chunk with a newline inside is still a paste (docs/ux.md).
  if (input.length > 1 && /[\r\n]/.test(input) && !key.ctrl && !key.meta) return step(insertPaste(s, input));

  // A multi-line draft: Up/Down move between its lines first. Only past its first line (Up) or last line (Down) do
  // they walk history, and only while a walk is going on; a draft being written is never swapped away (docs/ux.md).
  if (!key.ctrl && !key.meta && (key.upArrow || key.downArrow) && s.text.includes('\n')) {
    const moved = verticalMove(s, key.upArrow ? -1 : 1);
    if (moved !== undefined) return step(moved);
  }

  // Walking history: Up goes further back, Down comes forward and past the newest entry to an empty line.
  if (s.historyAt !== undefined && !key.ctrl && !key.meta && (key.upArrow || key.downArrow)) {
    if (key.upArrow) return step(showHistory(s, Math.max(0, s.historyAt - 1)));
    return step(showHistory(s, s.historyAt + 1 < s.history.length ? s.historyAt + 1 : undefined));
  }

  const command = matchKey(input, key, { composerEmpty: s.text.length === 0 }, bindings);
  // Editing keys win over bindings on the same key only where the binding says so (Ctrl+K with text after the cursor).
  const edit = command === undefined || command === 'nav.switcher' ? editKey(s, input, key) : undefined;
  if (edit !== undefined) return step(edit);
  switch (command) {
    case 'input.submit': {
      if (s.text.trim().length === 0) return step(s);
      if (s.largePaste && !s.confirming) return step({ ...s, confirming: true });
      return { state: { ...EMPTY_COMPOSER, history: remember(s.history, s.text) }, out: [{ type: 'submit', text: s.text }] };
    }
    case 'input.newline':
      return step(splice(s, s.cursor, s.cursor, '\n'));
    case 'input.clear':
      return step({ ...EMPTY_COMPOSER, history: s.history });
    case 'input.recall-last':
      return step(s.history.length === 0 ? s : showHistory(s, s.history.length - 1));
    case 'app.cancel':
      if (s.confirming) return step({ ...s, confirming: false });
      return { state: s, out: [{ type: 'command', command: 'app.cancel' }] };
    case undefined:
      break;
    default:
      return { state: s, out: [{ type: 'command', command }] };
  }
  if (key.ctrl || key.meta || input.length === 0) return step(s);
  if (key.upArrow || key.downArrow || key.tab || key.escape) return step(s);
  return step(splice(s, s.cursor, s.cursor, input));
}
