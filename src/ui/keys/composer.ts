// The composer as a pure state machine over keypresses: typing, bracketed paste, and the rules that
// keep a paste from ever sending by itself. The component only renders `text` and acts on `out`.

import { PASTE_END, PASTE_START } from '../terminal.js';
import { matchKey, type Binding, type KeyInfo, DEFAULT_BINDINGS } from './bindings.js';
import type { KeyCommand } from './commands.js';
import { PASTE_CONFIRM_LINES } from '../../core/limits.js';

export interface ComposerState {
  readonly text: string;
  /** Between ESC[200~ and ESC[201~: everything is literal text. */
  readonly pasting: boolean;
  /** The text holds a paste of more than PASTE_CONFIRM_LINES lines: Enter asks first. */
  readonly largePaste: boolean;
  /** The user was asked "send N lines?" and the next Enter sends. */
  readonly confirming: boolean;
  /** Your last sent text, for Up on an empty line. */
  readonly lastSent: string;
}

export const EMPTY_COMPOSER: ComposerState = { text: '', pasting: false, largePaste: false, confirming: false, lastSent: '' };

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

function withText(s: ComposerState, text: string): ComposerState {
  const largePaste = s.largePaste && lineCount(text) > PASTE_CONFIRM_LINES;
  return { ...s, text, confirming: false, largePaste };
}

function insertPaste(s: ComposerState, pasted: string): ComposerState {
  const text = s.text + normaliseNewlines(pasted);
  return { ...s, text, confirming: false, largePaste: s.largePaste || lineCount(text) > PASTE_CONFIRM_LINES };
}

/** Remove the last user-perceived character (a whole surrogate pair, not half of one). */
function dropLast(text: string): string {
  const chars = Array.from(text);
  chars.pop();
  return chars.join('');
}

/**
 * Feed one keypress (as Ink's useInput reports it).
 * Example: feeding "hi" then Enter yields `{type: 'submit', text: 'hi'}` and an empty composer.
 */
export function feedKey(s: ComposerState, input: string, key: KeyInfo, bindings: readonly Binding[] = DEFAULT_BINDINGS): ComposerStep {
  if (isPasteStart(input)) return { state: { ...s, pasting: true }, out: [] };
  if (isPasteEnd(input)) return { state: { ...s, pasting: false }, out: [] };
  if (s.pasting) {
    // Inside a bracketed paste a Return is a newline, never a send.
    if (key.return) return { state: insertPaste(s, '\n'), out: [] };
    if (key.tab) return { state: insertPaste(s, '\t'), out: [] };
    if (input.length > 0 && !key.ctrl && !key.escape) return { state: insertPaste(s, input), out: [] };
    return { state: s, out: [] };
  }
  // Without bracketed paste one stdin chunk with a newline inside is still a paste (stack.md).
  if (input.length > 1 && /[\r\n]/.test(input) && !key.ctrl && !key.meta) {
    return { state: insertPaste(s, input), out: [] };
  }

  const command = matchKey(input, key, { composerEmpty: s.text.length === 0 }, bindings);
  switch (command) {
    case 'input.submit': {
      if (s.text.trim().length === 0) return { state: s, out: [] };
      if (s.largePaste && !s.confirming) return { state: { ...s, confirming: true }, out: [] };
      return { state: { ...EMPTY_COMPOSER, lastSent: s.text }, out: [{ type: 'submit', text: s.text }] };
    }
    case 'input.newline':
      return { state: withText(s, s.text + '\n'), out: [] };
    case 'input.clear':
      return { state: { ...EMPTY_COMPOSER, lastSent: s.lastSent }, out: [] };
    case 'input.recall-last':
      return { state: withText(s, s.lastSent), out: [] };
    case 'app.cancel':
      if (s.confirming) return { state: { ...s, confirming: false }, out: [] };
      return { state: s, out: [{ type: 'command', command: 'app.cancel' }] };
    case undefined:
      break;
    default:
      return { state: s, out: [{ type: 'command', command }] };
  }
  if (key.backspace || key.delete) return { state: withText(s, dropLast(s.text)), out: [] };
  if (key.ctrl && input === 'u') return { state: withText(s, ''), out: [] };
  if (key.ctrl && input === 'w') return { state: withText(s, s.text.replace(/\S*\s*$/, '')), out: [] };
  if (key.ctrl || key.meta || input.length === 0) return { state: s, out: [] };
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab || key.escape) return { state: s, out: [] };
  return { state: withText(s, s.text + input), out: [] };
}
