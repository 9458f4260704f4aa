// The unlock / create-profile form as a pure state machine over keypresses.

import type { EngineCommand } from '../../core/api/commands.js';
import { keyOf, NO_KEY, type KeyInfo } from '../keys/bindings.js';

/** Said before a profile is created without a password (the Ink form and linear mode). */
export const NO_PASSWORD_WARNING_TEXT =
  'Without a password this profile uses Cwtch\u2019s default password, which protects nothing: anyone who can read your files can read your messages.';

export type UnlockField = 'name' | 'password' | 'confirm';

export interface UnlockState {
  readonly mode: 'unlock' | 'create';
  readonly field: UnlockField;
  readonly name: string;
  readonly password: string;
  readonly confirm: string;
  /** The user was told an empty password protects nothing; the next Enter creates anyway. */
  readonly warnedNoPassword: boolean;
  readonly problem?: 'mismatch' | 'no-name';
  /** Inside a bracketed paste: its newlines are part of what was pasted, not Enter. */
  readonly pasting?: boolean;
}

export const INITIAL_UNLOCK: UnlockState = { mode: 'unlock', field: 'password', name: '', password: '', confirm: '', warnedNoPassword: false };

export interface UnlockStep {
  readonly state: UnlockState;
  readonly command?: EngineCommand;
  readonly quit?: boolean;
}

function edit(s: UnlockState, f: (v: string) => string): UnlockState {
  const { problem: _p, ...rest } = s;
  return { ...rest, [s.field]: f(s[s.field]), warnedNoPassword: false };
}

/**
 * One keypress, or one chunk of several: a script, a slow SSH link or a paste without markers can deliver
 * "alice" and Enter together, and the Enter must not be lost (the name field would keep the next text).
 */
export function feedUnlockKey(s: UnlockState, input: string, key: KeyInfo): UnlockStep {
  if (key.return || s.pasting === true || input.includes('[200~') || !/[\r\n]/.test(input)) return feedOne(s, input, key);
  const parts = input.split(/\r\n|\r|\n/);
  let state = s;
  let command: EngineCommand | undefined;
  for (const [i, part] of parts.entries()) {
    if (part.length > 0) state = feedOne(state, part, NO_KEY).state;
    if (i === parts.length - 1) break;
    const step = feedOne(state, '\r', keyOf({ return: true }));
    state = step.state;
    // The first command is the one that counts: the screen changes once it is answered.
    command ??= step.command;
  }
  return command === undefined ? { state } : { state, command };
}

function feedOne(s: UnlockState, input: string, key: KeyInfo): UnlockStep {
  if (key.ctrl && (input === 'c' || input === 'd')) {
    // Ctrl+C clears a non-empty field; on an empty form Ctrl+D leaves.
    if (input === 'c') return { state: edit(s, () => '') };
    return s[s.field].length === 0 ? { state: s, quit: true } : { state: s };
  }
  if (key.tab) {
    const mode = s.mode === 'unlock' ? 'create' : 'unlock';
    return { state: { ...INITIAL_UNLOCK, mode, field: mode === 'create' ? 'name' : 'password' } };
  }
  if (key.backspace || key.delete) return { state: edit(s, (v) => Array.from(v).slice(0, -1).join('')) };
  if (key.return) {
    if (s.mode === 'unlock') return { state: { ...s, password: '' }, command: { cmd: 'unlock', password: s.password } };
    if (s.field === 'name') return s.name.trim().length === 0 ? { state: { ...s, problem: 'no-name' } } : { state: { ...s, field: 'password' } };
    if (s.field === 'password') {
      if (s.password.length === 0) {
        if (!s.warnedNoPassword) return { state: { ...s, warnedNoPassword: true } };
        return { state: INITIAL_UNLOCK, command: { cmd: 'create-profile', name: s.name.trim(), password: '' } };
      }
      return { state: { ...s, field: 'confirm' } };
    }
    if (s.confirm !== s.password) return { state: { ...s, field: 'password', password: '', confirm: '', problem: 'mismatch' } };
    return { state: INITIAL_UNLOCK, command: { cmd: 'create-profile', name: s.name.trim(), password: s.password } };
  }
  if (key.escape || key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return { state: s };
  // A pasted password may carry bracketed-paste markers or a newline; neither is part of it.
  // (Ink strips the ESC before handing them over.)
  const pasting = input.includes('[201~') ? false : input.includes('[200~') ? true : s.pasting === true;
  const marked = pasting ? { ...s, pasting: true } : (({ pasting: _p, ...rest }) => rest)(s);
  const clean = input.replace(/\[20[01]~|[\r\n]/g, '');
  if (clean.length === 0) return { state: marked };
  return { state: edit(marked, (v) => v + clean) };
}
