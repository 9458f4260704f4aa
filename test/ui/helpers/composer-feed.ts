// Feed a list of keypresses to the composer state machine and collect what it emits.

import { keyOf, type KeyInfo } from '../../../src/ui/keys/bindings.js';
import { EMPTY_COMPOSER, feedKey, type ComposerOut, type ComposerState } from '../../../src/ui/keys/composer.js';

export type Press = readonly [string, KeyInfo];

export function feed(presses: readonly Press[], s: ComposerState = EMPTY_COMPOSER): { state: ComposerState; out: ComposerOut[] } {
  const out: ComposerOut[] = [];
  for (const [input, key] of presses) {
    const step = feedKey(s, input, key);
    s = step.state;
    out.push(...step.out);
  }
  return { state: s, out };
}

/** Keypresses as Ink reports them, for composer tests. */
export const ch = (c: string): Press => [c, keyOf({})];
export const type = (s: string): Press[] => Array.from(s).map(ch);
export const ctrl = (c: string): Press => [c, keyOf({ ctrl: true })];
export const alt = (c: string): Press => [c, keyOf({ meta: true })];
export const LEFT: Press = ['', keyOf({ leftArrow: true })];
export const RIGHT: Press = ['', keyOf({ rightArrow: true })];
export const HOME: Press = ['', keyOf({ home: true })];
export const END: Press = ['', keyOf({ end: true })];
export const UP: Press = ['', keyOf({ upArrow: true })];
export const DOWN: Press = ['', keyOf({ downArrow: true })];
export const ENTER: Press = ['', keyOf({ return: true })];
export const ALT_ENTER: Press = ['', keyOf({ return: true, meta: true })];

/** The composer's text after `presses`, with a "|" at the cursor. */
export function view(presses: readonly Press[], s?: ComposerState): string {
  const r = feed(presses, s).state;
  return `${r.text.slice(0, r.cursor)}|${r.text.slice(r.cursor)}`;
}
