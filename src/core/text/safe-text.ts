// Untrusted text → SafeText. Escape sequences are this client's XSS: a peer's message that reaches the
// terminal with an OSC 52 in it writes the user's clipboard, a CSI can redraw the screen, a bidi override
// can reverse a name. Ink's own sanitiser is not a boundary (docs/ux.md), so this is.
//
// Design: one pass over the input, dropping escape sequences whole and deciding every other character
// from the character and the text already emitted (never from input that was dropped). That makes the
// function idempotent: output fed back in meets the same decisions and is kept as it is.
//
// What survives and why:
// - newline (CR LF and a lone CR become a newline, so a CR can never overwrite a line), tab → spaces;
// - one variation selector right after a base character (emoji presentation, keycaps, CJK variants);
// - ZERO WIDTH JOINER only between two emoji (👩‍💻, 🏳️‍🌈); everywhere else it is dropped, and so is ZWNJ:
//   Persian and Indic text still reads, slightly less well shaped, and names cannot hide joiners;
// - up to SAFE_TEXT_MAX_COMBINING_MARKS combining marks per base, none at the start of a line;
// - private-use and unassigned code points (terminals draw them as one cell; icon fonts use them).
// What goes: every C0 control but newline, DEL, C1 controls, every escape sequence (7-bit and 8-bit),
// every format character (General_Category Cf: bidi controls, zero-width space, soft hyphen, tag
// characters — so subdivision flags like Scotland's fall back to a plain black flag) and every
// Default_Ignorable_Code_Point (Hangul fillers, combining grapheme joiner, …). Lone surrogates and
// noncharacters become U+FFFD.

import {
  SAFE_TEXT_MAX_COMBINING_MARKS,
  SAFE_TEXT_MAX_LENGTH,
  SAFE_TEXT_MAX_LINE_LENGTH,
  SAFE_TEXT_MAX_LINES,
} from '../limits.js';

declare const safeBrand: unique symbol;
/**
 * Text that is safe to write to a terminal: no control characters but newline, no escape sequences, no
 * bidi or invisible format characters, bounded combining marks and length.
 *
 * toSafeText is the ONLY function that makes a SafeText. No other code may cast a string to it
 * (`as SafeText`): a cast is a hole in the boundary and is a bug in review.
 */
export type SafeText = string & { readonly [safeBrand]: true };

export interface SafeTextOptions {
  /** Cap on the whole text in UTF-16 units, marker included. Default SAFE_TEXT_MAX_LENGTH. */
  readonly maxLength?: number;
  /** Cap on the number of lines, marker line included. Default SAFE_TEXT_MAX_LINES. */
  readonly maxLines?: number;
  /** Cap on one line in UTF-16 units, marker included. Default SAFE_TEXT_MAX_LINE_LENGTH. */
  readonly maxLineLength?: number;
  /** Newlines become spaces (names, topics, file names). */
  readonly singleLine?: boolean;
}

const TAB = '    ';
const ZWJ = 0x200d;
const REPLACEMENT = '\ufffd';

// Everything the fast path cannot copy as it is. Inside a /u class, \uD800-\uDFFF matches lone surrogates only.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SPECIAL = /[\0-\x1f\x7f-\x9f\u2028\u2029\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\uD800-\uDFFF]/gu;
const DROP = /^[\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;
const EMOJI_TAIL = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}]$/u;

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d) || cp === 0x180f;
}

function isNoncharacter(cp: number): boolean {
  return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

// ---------------------------------------------------------------------------------------------------
// Escape sequences (ECMA-48). Each skip returns the index just after the sequence; a sequence cut short
// by an unexpected character ends there and that character goes through the ordinary filter.

/** CSI parameters and intermediates (0x20–0x3F) up to a final byte (0x40–0x7E). */
function skipCsi(s: string, k: number): number {
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (c >= 0x40 && c <= 0x7e) return k + 1;
    if (c < 0x20 || c > 0x3f) return k;
    k++;
  }
  return k;
}

/** OSC, DCS, SOS, PM, APC: a string ended by BEL, ST (ESC \ or 8-bit 0x9C), CAN or SUB, or the input's end. */
function skipControlString(s: string, k: number): number {
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (c === 0x07 || c === 0x9c || c === 0x18 || c === 0x1a) return k + 1;
    if (c === 0x1b) return s.charCodeAt(k + 1) === 0x5c ? k + 2 : k; // another ESC starts its own sequence
    k++;
  }
  return k;
}

/** s[i] is ESC. */
function skipEscape(s: string, i: number): number {
  const j = i + 1;
  if (j >= s.length) return j;
  const c = s.charCodeAt(j);
  if (c === 0x5b) return skipCsi(s, j + 1); // [
  if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return skipControlString(s, j + 1); // ] P X ^ _
  if (c >= 0x20 && c <= 0x2f) {
    // nF sequences such as ESC ( B and ESC # 8: intermediates, then one final byte.
    let k = j;
    while (k < s.length && s.charCodeAt(k) >= 0x20 && s.charCodeAt(k) <= 0x2f) k++;
    const f = s.charCodeAt(k);
    return f >= 0x30 && f <= 0x7e ? k + 1 : k;
  }
  if (c >= 0x30 && c <= 0x7e) return j + 1; // ESC 7, ESC c, ESC M, …
  return j; // a lone ESC: dropped, the next character is filtered as usual
}

/** s[i] is a C1 control; the 8-bit introducers start sequences as their ESC forms do. */
function skipC1(s: string, i: number, c: number): number {
  if (c === 0x9b) return skipCsi(s, i + 1);
  if (c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) return skipControlString(s, i + 1);
  return i + 1;
}

// ---------------------------------------------------------------------------------------------------
// The filter. State describes the text emitted so far, never the input.

class Filter {
  private readonly out: string[] = [];
  /** Something a mark or a variation selector may attach to was emitted last (not start of line). */
  private base = false;
  /** Combining marks (variation selectors included) after the last base. */
  private marks = 0;
  /** The last emitted character can be followed by a joiner into a longer emoji. */
  private emojiTail = false;
  /** A ZWJ after an emoji, emitted only if the next emitted character is an emoji. */
  private pendingZwj = false;

  constructor(private readonly newline: string) {}

  private resolveZwj(next: string): void {
    if (!this.pendingZwj) return;
    this.pendingZwj = false;
    if (EMOJI.test(String.fromCodePoint(next.codePointAt(0)!))) this.out.push('\u200d');
  }

  /** A run with no special characters (it may be many code points). */
  plain(run: string): void {
    this.resolveZwj(run);
    this.out.push(run);
    this.base = true;
    this.marks = 0;
    const last = run.codePointAt(run.length >= 2 && isLowSurrogate(run.charCodeAt(run.length - 1)) ? run.length - 2 : run.length - 1)!;
    this.emojiTail = EMOJI_TAIL.test(String.fromCodePoint(last));
  }

  lineBreak(): void {
    this.pendingZwj = false;
    this.out.push(this.newline);
    this.base = this.newline !== '\n';
    this.marks = 0;
    this.emojiTail = false;
  }

  joiner(): void {
    if (this.emojiTail && !this.pendingZwj) this.pendingZwj = true;
  }

  /** A combining mark or a variation selector. */
  mark(ch: string, selector: boolean): void {
    this.pendingZwj = false; // a joiner followed by a mark joins nothing
    if (!this.base) return;
    if (selector ? this.marks !== 0 : this.marks >= SAFE_TEXT_MAX_COMBINING_MARKS) return;
    this.out.push(ch);
    this.marks++;
  }

  text(): string {
    return this.out.join('');
  }
}

function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}

function filter(s: string, singleLine: boolean): string {
  const f = new Filter(singleLine ? ' ' : '\n');
  let pos = 0;
  for (;;) {
    SPECIAL.lastIndex = pos;
    const m = SPECIAL.exec(s);
    const at = m === null ? s.length : m.index;
    if (at > pos) f.plain(s.slice(pos, at));
    if (m === null) break;
    const ch = m[0];
    const c = ch.codePointAt(0)!;
    pos = at + ch.length;
    if (c === 0x0a || c === 0x2028 || c === 0x2029) f.lineBreak();
    else if (c === 0x0d) {
      if (s.charCodeAt(pos) !== 0x0a) f.lineBreak(); // CR LF is one break, taken at the LF
    } else if (c === 0x09) f.plain(TAB);
    else if (c === 0x1b) pos = skipEscape(s, at);
    else if (c >= 0x80 && c <= 0x9f) pos = skipC1(s, at, c);
    else if (c < 0x20 || c === 0x7f) continue;
    else if ((c >= 0xd800 && c <= 0xdfff) || isNoncharacter(c)) f.plain(REPLACEMENT);
    else if (c === ZWJ) f.joiner();
    else if (isVariationSelector(c)) f.mark(ch, true);
    else if (DROP.test(ch)) continue;
    else f.mark(ch, false);
  }
  return f.text();
}

// ---------------------------------------------------------------------------------------------------
// Truncation, with a visible marker. Each cut leaves the text within its cap, marker included, so a
// second pass finds nothing to cut.

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!isLowSurrogate(s.charCodeAt(i)) || i === 0 || !isHigh(s.charCodeAt(i - 1))) n++;
  return n;
}

function isHigh(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

/** Largest cut ≤ limit that splits no surrogate pair and leaves no dangling joiner at the end. */
function safeCut(s: string, limit: number): number {
  let cut = Math.max(0, Math.min(limit, s.length));
  if (cut > 0 && cut < s.length && isHigh(s.charCodeAt(cut - 1)) && isLowSurrogate(s.charCodeAt(cut))) cut--;
  while (cut > 0 && s.charCodeAt(cut - 1) === ZWJ) cut--;
  return cut;
}

function marker(n: number, unit: 'chars' | 'lines'): string {
  return `…[truncated ${n} ${unit}]`;
}

/**
 * Cut `s` to at most `limit` units with a marker. `lineLimit` also bounds the last line that the marker
 * joins, so that a whole-text cut cannot make a line longer than the line cap.
 */
function truncate(s: string, limit: number, lineLimit: number): string {
  if (s.length <= limit) return s;
  const longest = marker(s.length, 'chars').length; // the count cannot have more digits than this
  const short = Math.min(limit, lineLimit) <= longest; // no room for words: a bare ellipsis
  const room = short ? 1 : longest;
  let cut = safeCut(s, limit - room);
  const lineStart = cut === 0 ? 0 : s.lastIndexOf('\n', cut - 1) + 1;
  if (cut - lineStart + room > lineLimit) cut = safeCut(s, lineStart + lineLimit - room);
  return s.slice(0, cut) + (short ? '…' : marker(countCodePoints(s.slice(cut)), 'chars'));
}

function limitLines(s: string, maxLines: number, maxLineLength: number): string {
  if (s.length <= maxLineLength && maxLines >= s.length + 1) return s;
  let lines = s.split('\n');
  if (lines.length > maxLines) {
    const keep = Math.max(0, maxLines - 1);
    const dropped = lines.length - keep;
    lines = lines.slice(0, keep);
    lines.push(marker(dropped, 'lines'));
  }
  return lines.map((l) => truncate(l, maxLineLength, maxLineLength)).join('\n');
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && v >= 1 ? Math.floor(v) : fallback;
}

/**
 * Make untrusted text safe to show: the only way to get a SafeText. Total (never throws; a non-string
 * gives the empty text) and idempotent (`toSafeText(toSafeText(x)) === toSafeText(x)`); printable text
 * within the caps — any script, emoji, CJK, punctuation, newlines — comes back unchanged.
 *
 * @example toSafeText('hi\x1b]52;c;ZXZpbA==\x07 there') // 'hi there'
 */
export function toSafeText(input: unknown, opts: SafeTextOptions = {}): SafeText {
  if (typeof input !== 'string') return '' as SafeText;
  const maxLength = positive(opts.maxLength, SAFE_TEXT_MAX_LENGTH);
  const maxLineLength = Math.min(maxLength, positive(opts.maxLineLength, SAFE_TEXT_MAX_LINE_LENGTH));
  const singleLine = opts.singleLine === true;
  const maxLines = singleLine ? 1 : positive(opts.maxLines, SAFE_TEXT_MAX_LINES);
  const clean = filter(input, singleLine);
  const lined = limitLines(clean, maxLines, maxLineLength);
  return truncate(lined, maxLength, maxLineLength) as SafeText;
}

// ---------------------------------------------------------------------------------------------------
// Detectors, for tests and for the TUI's check of the bytes it writes.

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROL = /[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\p{Bidi_Control}]/u;
const HIDDEN = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\uD800-\uDFFF]/u;

/**
 * True if `s` holds anything a terminal acts on or that reorders what it shows: any C0 control but
 * newline (ESC, BEL, BS, CR, TAB, …), DEL, any C1 control (8-bit CSI 0x9B, ST 0x9C, …), a bidi control,
 * or a line/paragraph separator. SafeText never does.
 */
export function containsTerminalControl(s: string): boolean {
  return TERMINAL_CONTROL.test(s);
}

/**
 * True if `s` holds a character that is invisible or unrenderable: a format character, a default-ignorable
 * (zero-width space, Hangul filler, tag character, variation selector), a noncharacter or a lone surrogate.
 * SafeText holds such characters only where they are meant: a ZWJ between two emoji and one variation
 * selector after a base character.
 */
export function containsHiddenCharacter(s: string): boolean {
  return HIDDEN.test(s);
}
