// Default key bindings (docs/ux.md) and the pure matcher from one Ink keypress to a command id.
// A binding is data, so help can list it and a user override can be validated later.

import type { KeyCommand } from './commands.js';

/** The subset of Ink's `Key` the matcher reads; tests build it with `keyOf`. */
export interface KeyInfo {
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home: boolean;
  readonly end: boolean;
  readonly return: boolean;
  readonly escape: boolean;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly meta: boolean;
  readonly tab: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
  /**
   * The Delete key proper (ESC[3~). Ink reports it and Backspace (0x7f) both as `delete`; MainView tells them
   * apart from the raw sequence (ink-internals/use-raw-keys.ts) and sets this.
   */
  readonly deleteForward?: boolean;
}

export const NO_KEY: KeyInfo = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  meta: false,
  tab: false,
  backspace: false,
  delete: false,
};

export function keyOf(k: Partial<KeyInfo>): KeyInfo {
  return { ...NO_KEY, ...k };
}

/** What a binding matches: a named key or a character, with modifiers, and an optional composer condition. */
export interface Binding {
  readonly command: KeyCommand;
  readonly key?: 'return' | 'up' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'tab' | 'escape';
  readonly char?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
  /** Only when the composer is empty (true) or non-empty (false). */
  readonly composerEmpty?: boolean;
  /** How help shows it. */
  readonly label: string;
}

/** Ctrl+/ arrives as the unit separator (0x1f) on most terminals. */
const CTRL_SLASH = '\u001f';

export const DEFAULT_BINDINGS: readonly Binding[] = [
  { command: 'input.newline', key: 'return', meta: true, label: 'Alt+Enter' },
  { command: 'input.newline', key: 'return', shift: true, label: 'Shift+Enter' },
  { command: 'input.submit', key: 'return', label: 'Enter' },
  { command: 'input.recall-last', key: 'up', composerEmpty: true, label: 'Up (empty line)' },
  { command: 'input.complete', key: 'tab', label: 'Tab' },
  { command: 'input.clear', char: 'c', ctrl: true, composerEmpty: false, label: 'Ctrl+C' },
  { command: 'app.quit', char: 'd', ctrl: true, composerEmpty: true, label: 'Ctrl+D (empty line)' },
  { command: 'app.cancel', key: 'escape', label: 'Esc' },
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): Binding => ({ command: `nav.jump.${n}` as KeyCommand, char: String(n), meta: true, label: `Alt+${n}` })),
  { command: 'nav.jump.10', char: '0', meta: true, label: 'Alt+0' },
  { command: 'nav.next', char: 'n', ctrl: true, label: 'Ctrl+N' },
  { command: 'nav.prev', char: 'p', ctrl: true, label: 'Ctrl+P' },
  { command: 'nav.next-activity', char: 'a', meta: true, label: 'Alt+A' },
  { command: 'nav.switcher', char: 'k', ctrl: true, label: 'Ctrl+K' },
  { command: 'scroll.top', key: 'home', meta: true, label: 'Alt+Home' },
  { command: 'scroll.bottom', key: 'end', meta: true, label: 'Alt+End' },
  { command: 'scroll.pageUp', key: 'pageUp', label: 'PgUp' },
  { command: 'scroll.pageDown', key: 'pageDown', label: 'PgDn' },
  { command: 'app.help', char: '?', composerEmpty: true, label: '? (empty line)' },
  { command: 'app.help', char: CTRL_SLASH, label: 'Ctrl+/' },
  { command: 'view.fail-reasons', char: 'r', meta: true, label: 'Alt+R' },
  { command: 'invite.review', char: 'i', meta: true, label: 'Alt+I' },
  // Alt+S: free in docs/ux.md's clients (WeeChat's Ctrl+S is search, so not that); same as /server with no argument.
  { command: 'view.servers', char: 's', meta: true, label: 'Alt+S' },
  // Alt+V: the open contact's verification code (same as /verify).
  { command: 'contact.verify', char: 'v', meta: true, label: 'Alt+V' },
  // Ctrl+R: readline's history search, here the messages' (same as typing /search).
  { command: 'input.search', char: 'r', ctrl: true, label: 'Ctrl+R' },
];

/**
 * The `keys` setting's extra bindings, on top of the defaults (which stay: help and habits keep working). vim: Alt+J/K
 * through conversations (Alt because bare letters are typing), Ctrl+F/B by pages, Alt+G / Alt+Shift+G to the ends;
 * emacs: Ctrl+V a page down (Alt+V stays the verification code), Alt+< and Alt+> to the ends.
 */
const STYLE_BINDINGS: Readonly<Record<'vim' | 'emacs', readonly Binding[]>> = {
  vim: [
    { command: 'nav.next', char: 'j', meta: true, label: 'Alt+J' },
    { command: 'nav.prev', char: 'k', meta: true, label: 'Alt+K' },
    { command: 'scroll.pageDown', char: 'f', ctrl: true, label: 'Ctrl+F' },
    { command: 'scroll.pageUp', char: 'b', ctrl: true, label: 'Ctrl+B' },
    { command: 'scroll.top', char: 'g', meta: true, label: 'Alt+G' },
    { command: 'scroll.bottom', char: 'G', meta: true, label: 'Alt+Shift+G' },
  ],
  emacs: [
    { command: 'scroll.pageDown', char: 'v', ctrl: true, label: 'Ctrl+V' },
    { command: 'scroll.top', char: '<', meta: true, label: 'Alt+<' },
    { command: 'scroll.bottom', char: '>', meta: true, label: 'Alt+>' },
  ],
};

const STYLED = new Map<string, readonly Binding[]>(Object.entries(STYLE_BINDINGS).map(([k, extra]) => [k, [...DEFAULT_BINDINGS, ...extra]]));

/** The bindings for a `keys` setting (default, vim, emacs). */
export function bindingsFor(style: string): readonly Binding[] {
  return STYLED.get(style) ?? DEFAULT_BINDINGS;
}

function namedKey(k: KeyInfo): Binding['key'] | undefined {
  if (k.return) return 'return';
  if (k.upArrow) return 'up';
  if (k.pageUp) return 'pageUp';
  if (k.pageDown) return 'pageDown';
  if (k.home) return 'home';
  if (k.end) return 'end';
  if (k.tab) return 'tab';
  if (k.escape && !k.return) return 'escape';
  return undefined;
}

/**
 * The command for one keypress, or undefined when it is ordinary typing.
 * Example: `matchKey('\r', keyOf({return: true}), {composerEmpty: false})` → `'input.submit'`.
 */
export function matchKey(input: string, key: KeyInfo, ctx: { readonly composerEmpty: boolean }, bindings: readonly Binding[] = DEFAULT_BINDINGS): KeyCommand | undefined {
  const named = namedKey(key);
  // Ink marks Escape itself as meta; a bare Escape must not look like Alt+something.
  const meta = key.meta && named !== 'escape';
  for (const b of bindings) {
    if (b.composerEmpty !== undefined && b.composerEmpty !== ctx.composerEmpty) continue;
    if (b.key !== undefined) {
      if (named !== b.key) continue;
    } else if (b.char !== undefined) {
      if (named !== undefined || input !== b.char) continue;
    } else continue;
    if ((b.ctrl ?? false) !== key.ctrl) continue;
    if ((b.meta ?? false) !== meta) continue;
    // Shift is only significant where a binding asks for it (Shift+Enter); '?' itself is shifted.
    if (b.shift === true && !key.shift) continue;
    if (b.shift === undefined && b.key === 'return' && key.shift) continue;
    return b.command;
  }
  return undefined;
}

/** Labels per command, for the help sheet. */
export function bindingLabels(bindings: readonly Binding[] = DEFAULT_BINDINGS): Map<KeyCommand, string[]> {
  const out = new Map<KeyCommand, string[]>();
  for (const b of bindings) out.set(b.command, [...(out.get(b.command) ?? []), b.label]);
  return out;
}
