import { describe, expect, it } from 'vitest';
import { keyOf } from '../../../src/ui/keys/bindings.js';
import { feed, type Press } from '../helpers/composer-feed.js';

const ch = (c: string): Press => [c, keyOf({})];
const ENTER: Press = ['', keyOf({ return: true })];
const ALT_ENTER: Press = ['', keyOf({ return: true, meta: true })];
const CTRL_C: Press = ['c', keyOf({ ctrl: true })];
const CTRL_D: Press = ['d', keyOf({ ctrl: true })];
const UP: Press = ['', keyOf({ upArrow: true })];
const ESC: Press = ['', keyOf({ escape: true, meta: true })];
const BACKSPACE: Press = ['', keyOf({ delete: true })];
// What Ink's useInput hands over for ESC[200~ / ESC[201~ (the ESC stripped).
const PASTE_START: Press = ['[200~', keyOf({})];
const PASTE_END: Press = ['[201~', keyOf({})];


describe('composer', () => {
  it('Enter sends the text and clears; an empty line sends nothing', () => {
    const r = feed([ch('h'), ch('i'), ENTER, ENTER]);
    expect(r.out).toEqual([{ type: 'submit', text: 'hi' }]);
    expect(r.state.text).toBe('');
  });

  it('Alt+Enter inserts a newline without sending', () => {
    const r = feed([ch('a'), ALT_ENTER, ch('b')]);
    expect(r.out).toEqual([]);
    expect(r.state.text).toBe('a\nb');
  });

  it('Ctrl+C clears a non-empty composer and never quits', () => {
    const r = feed([ch('x'), CTRL_C, CTRL_C]);
    expect(r.state.text).toBe('');
    expect(r.out).toEqual([]);
  });

  it('Ctrl+D quits only on an empty composer', () => {
    expect(feed([ch('x'), CTRL_D]).out).toEqual([]);
    expect(feed([CTRL_D]).out).toEqual([{ type: 'command', command: 'app.quit' }]);
  });

  it('Up on an empty composer recalls the last sent message', () => {
    const r = feed([ch('y'), ch('o'), ENTER, UP]);
    expect(r.state.text).toBe('yo');
  });

  it('Backspace removes a whole emoji, not half a surrogate pair', () => {
    expect(feed([ch('a'), ch('😀'), BACKSPACE]).state.text).toBe('a');
  });

  it('a bracketed paste with newlines is inserted literally and does not send', () => {
    const r = feed([PASTE_START, ch('line1\rline2\r'), ['', keyOf({ return: true })], PASTE_END]);
    expect(r.out).toEqual([]);
    expect(r.state.text).toBe('line1\nline2\n\n');
  });

  it('an unbracketed chunk with a newline is still treated as a paste', () => {
    const r = feed([ch('one\rtwo')]);
    expect(r.out).toEqual([]);
    expect(r.state.text).toBe('one\ntwo');
  });

  it('a paste of more than 5 lines asks before sending; Esc keeps editing; Enter twice sends', () => {
    const six = 'a\nb\nc\nd\ne\nf';
    let r = feed([PASTE_START, ch(six), PASTE_END]);
    expect(r.state.largePaste).toBe(true);
    r = feed([ENTER], r.state);
    expect(r.out).toEqual([]);
    expect(r.state.confirming).toBe(true);
    r = feed([ESC], r.state);
    expect(r.state.confirming).toBe(false);
    expect(r.state.text).toBe(six);
    r = feed([ENTER, ENTER], r.state);
    expect(r.out).toEqual([{ type: 'submit', text: six }]);
  });

  it('a paste of 5 lines sends on the first Enter', () => {
    const r = feed([PASTE_START, ch('1\n2\n3\n4\n5'), PASTE_END, ENTER]);
    expect(r.out).toEqual([{ type: 'submit', text: '1\n2\n3\n4\n5' }]);
  });

  it('global commands pass through as command outputs', () => {
    expect(feed([['k', keyOf({ ctrl: true })]]).out).toEqual([{ type: 'command', command: 'nav.switcher' }]);
    expect(feed([ch('?')]).out).toEqual([{ type: 'command', command: 'app.help' }]);
    expect(feed([ch('a'), ch('?')]).state.text).toBe('a?');
  });
});
