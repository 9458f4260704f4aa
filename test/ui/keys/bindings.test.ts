import { describe, expect, it } from 'vitest';
import { bindingLabels, bindingsFor, DEFAULT_BINDINGS, keyOf, matchKey } from '../../../src/ui/keys/bindings.js';
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

describe('key styles (the keys setting)', () => {
  it('each style keeps every default binding and adds keys no default uses', () => {
    for (const style of ['vim', 'emacs']) {
      const b = bindingsFor(style);
      expect(b.slice(0, DEFAULT_BINDINGS.length)).toEqual(DEFAULT_BINDINGS);
      for (const extra of b.slice(DEFAULT_BINDINGS.length)) {
        const clash = DEFAULT_BINDINGS.find((d) => d.char === extra.char && (d.ctrl ?? false) === (extra.ctrl ?? false) && (d.meta ?? false) === (extra.meta ?? false));
        expect(clash, `${style} ${extra.label}`).toBeUndefined();
      }
    }
    expect(bindingsFor('default')).toBe(DEFAULT_BINDINGS);
    expect(bindingsFor('anything else')).toBe(DEFAULT_BINDINGS);
  });

  it('vim: Alt+J/K, Ctrl+F/B, Alt+G/Alt+Shift+G; emacs: Ctrl+V, Alt+< and Alt+>', () => {
    const ctx = { composerEmpty: true };
    const vim = bindingsFor('vim');
    expect(matchKey('j', keyOf({ meta: true }), ctx, vim)).toBe('nav.next');
    expect(matchKey('k', keyOf({ meta: true }), ctx, vim)).toBe('nav.prev');
    expect(matchKey('f', keyOf({ ctrl: true }), ctx, vim)).toBe('scroll.pageDown');
    expect(matchKey('b', keyOf({ ctrl: true }), ctx, vim)).toBe('scroll.pageUp');
    expect(matchKey('G', keyOf({ meta: true, shift: true }), ctx, vim)).toBe('scroll.bottom');
    expect(matchKey('j', keyOf({ meta: true }), ctx)).toBeUndefined();
    const emacs = bindingsFor('emacs');
    expect(matchKey('v', keyOf({ ctrl: true }), ctx, emacs)).toBe('scroll.pageDown');
    expect(matchKey('<', keyOf({ meta: true }), ctx, emacs)).toBe('scroll.top');
    expect(matchKey('v', keyOf({ meta: true }), ctx, emacs)).toBe('contact.verify');
  });
});
