import { describe, expect, it } from 'vitest';
import { bindingLabels, DEFAULT_BINDINGS, keyOf, matchKey } from '../../../src/ui/keys/bindings.js';
import { KEY_COMMANDS } from '../../../src/ui/keys/commands.js';

const empty = { composerEmpty: true };
const typed = { composerEmpty: false };

describe('matchKey: default bindings (ux.md)', () => {
  it.each([
    ['Enter sends', '', keyOf({ return: true }), typed, 'input.submit'],
    ['Alt+Enter is a newline', '', keyOf({ return: true, meta: true }), typed, 'input.newline'],
    ['Shift+Enter is a newline where reported', '\r', keyOf({ return: true, shift: true }), typed, 'input.newline'],
    ['Up on an empty composer recalls', '', keyOf({ upArrow: true }), empty, 'input.recall-last'],
    ['Tab completes', '', keyOf({ tab: true }), typed, 'input.complete'],
    ['Ctrl+C clears a non-empty composer', 'c', keyOf({ ctrl: true }), typed, 'input.clear'],
    ['Ctrl+D on empty quits', 'd', keyOf({ ctrl: true }), empty, 'app.quit'],
    ['Alt+0 jumps to 10', '0', keyOf({ meta: true }), typed, 'nav.jump.10'],
    ['Ctrl+N next', 'n', keyOf({ ctrl: true }), typed, 'nav.next'],
    ['Ctrl+P previous', 'p', keyOf({ ctrl: true }), typed, 'nav.prev'],
    ['Alt+A next with activity', 'a', keyOf({ meta: true }), typed, 'nav.next-activity'],
    ['Ctrl+K switcher', 'k', keyOf({ ctrl: true }), typed, 'nav.switcher'],
    ['PgUp', '', keyOf({ pageUp: true }), typed, 'scroll.pageUp'],
    ['PgDn', '', keyOf({ pageDown: true }), typed, 'scroll.pageDown'],
    ['Alt+Home', '', keyOf({ home: true, meta: true }), typed, 'scroll.top'],
    ['Alt+End', '', keyOf({ end: true, meta: true }), typed, 'scroll.bottom'],
    ['? on empty is help', '?', keyOf({}), empty, 'app.help'],
    ['Ctrl+/ is help', '\u001f', keyOf({}), typed, 'app.help'],
    ['Esc cancels', '', keyOf({ escape: true, meta: true }), typed, 'app.cancel'],
    ['Alt+R fail reasons', 'r', keyOf({ meta: true }), typed, 'view.fail-reasons'],
    ['Alt+S servers view', 's', keyOf({ meta: true }), typed, 'view.servers'],
    ['Alt+S on an empty composer too', 's', keyOf({ meta: true }), empty, 'view.servers'],
  ] as const)('%s', (_name, input, key, ctx, want) => {
    expect(matchKey(input, key, ctx)).toBe(want);
  });

  it('Alt+1…9 jump to slots 1…9', () => {
    for (let n = 1; n <= 9; n++) expect(matchKey(String(n), keyOf({ meta: true }), typed)).toBe(`nav.jump.${n}`);
  });

  it.each([
    ['Ctrl+C on an empty composer never quits', 'c', keyOf({ ctrl: true }), empty],
    ['Ctrl+D on a non-empty composer does nothing', 'd', keyOf({ ctrl: true }), typed],
    ['? while typing is a character', '?', keyOf({}), typed],
    ['Up while typing is not recall', '', keyOf({ upArrow: true }), typed],
    ['plain 1 is typing', '1', keyOf({}), typed],
    ['plain Home is not scroll.top', '', keyOf({ home: true }), typed],
  ] as const)('%s', (_name, input, key, ctx) => {
    expect(matchKey(input, key, ctx)).toBeUndefined();
  });

  it('no two bindings share a key and modifiers (Alt+S clashes with nothing)', () => {
    const seen = new Map<string, string>();
    for (const b of DEFAULT_BINDINGS) {
      const id = `${b.key ?? ''}|${b.char ?? ''}|${b.ctrl ?? false}|${b.meta ?? false}|${b.shift ?? false}|${b.composerEmpty ?? 'any'}`;
      expect(seen.get(id), `${b.label} vs ${seen.get(id) ?? ''}`).toBeUndefined();
      seen.set(id, b.label);
    }
  });

  it('every command except the internal ones has a label for the help sheet', () => {
    const labels = bindingLabels();
    for (const c of KEY_COMMANDS) expect(labels.get(c)?.length ?? 0, c).toBeGreaterThan(0);
  });
});
