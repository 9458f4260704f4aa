// Readline editing in the composer, one key at a time: every assertion reads the text and the cursor.

import { describe, expect, it } from 'vitest';
import { keyOf } from '../../../src/ui/keys/bindings.js';
import { ALT_ENTER, alt, ch, ctrl, DOWN, END, ENTER, feed, HOME, LEFT, RIGHT, type, UP, view, type Press } from '../helpers/composer-feed.js';

// What Ink reports: Backspace (0x7f) as delete, Alt+Backspace as meta+delete; MainView marks ESC[3~ deleteForward.
const BACKSPACE: Press = ['', keyOf({ delete: true })];
const ALT_BACKSPACE: Press = ['', keyOf({ delete: true, meta: true })];
const DELETE: Press = ['', keyOf({ delete: true, deleteForward: true })];

describe('composer editing', () => {
  it('Left/Right move by one character and insert at the cursor', () => {
    expect(view([...type('abd'), LEFT, ch('c')])).toBe('abc|d');
    expect(view([...type('ab'), LEFT, LEFT, LEFT, RIGHT])).toBe('a|b');
    expect(view([...type('ab'), RIGHT])).toBe('ab|');
  });

  it('Left/Right step over a whole emoji, a flag, a ZWJ family and CJK, never into the middle', () => {
    const family = '👨‍👩‍👧';
    expect(view([...type('a'), ch('😀'), ch('b'), LEFT, LEFT])).toBe('a|😀b');
    expect(view([ch('x'), ch('🇳🇿'), LEFT, LEFT, RIGHT])).toBe('x|🇳🇿');
    expect(view([ch(family), ch('!'), LEFT, LEFT])).toBe(`|${family}!`);
    expect(view([...type('漢字'), LEFT, BACKSPACE])).toBe('|字');
    expect(view([ch('e\u0301'), LEFT])).toBe('|e\u0301');
  });

  it('Home/End and Ctrl+A/Ctrl+E go to the line start and end', () => {
    expect(view([...type('hello'), HOME, ch('>')])).toBe('>|hello');
    expect(view([...type('hello'), ctrl('a'), ctrl('e')])).toBe('hello|');
    expect(view([...type('hello'), HOME, END])).toBe('hello|');
    // In a multi-line draft, the current line only.
    expect(view([...type('ab'), ALT_ENTER, ...type('cd'), HOME])).toBe('ab\n|cd');
    expect(view([...type('ab'), ALT_ENTER, ...type('cd'), LEFT, LEFT, LEFT, ctrl('a')])).toBe('|ab\ncd');
  });

  it('Ctrl+K kills to the end; Ctrl+U kills to the start', () => {
    expect(view([...type('hello world'), LEFT, LEFT, LEFT, LEFT, LEFT, ctrl('k')])).toBe('hello |');
    expect(view([...type('hello world'), LEFT, LEFT, LEFT, LEFT, LEFT, ctrl('u')])).toBe('|world');
  });

  it('Ctrl+K with nothing after the cursor is still the quick switcher', () => {
    expect(feed([...type('hi'), ctrl('k')]).out).toEqual([{ type: 'command', command: 'nav.switcher' }]);
    expect(feed([ctrl('k')]).out).toEqual([{ type: 'command', command: 'nav.switcher' }]);
    expect(feed([...type('hi'), LEFT, ctrl('k')]).out).toEqual([]);
  });

  it('Ctrl+W kills the blank-delimited word back; Alt+Backspace the alphanumeric word back', () => {
    expect(view([...type('see foo.bar '), ctrl('w')])).toBe('see |');
    expect(view([...type('see foo.bar'), ALT_BACKSPACE])).toBe('see foo.|');
    expect(view([...type('one two three'), LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, ctrl('w')])).toBe('one | three');
  });

  it('Alt+B/Alt+F move by words', () => {
    expect(view([...type('one two three'), alt('b')])).toBe('one two |three');
    expect(view([...type('one two three'), alt('b'), alt('b')])).toBe('one |two three');
    expect(view([...type('one two three'), HOME, alt('f')])).toBe('one| two three');
    expect(view([...type('one two three'), HOME, alt('f'), alt('f')])).toBe('one two| three');
  });

  it('Delete and Ctrl+D with text delete forward; Ctrl+D on an empty composer still quits', () => {
    expect(view([...type('abc'), HOME, DELETE])).toBe('|bc');
    expect(view([...type('a😀b'), HOME, RIGHT, ctrl('d')])).toBe('a|b');
    expect(feed([...type('abc'), ctrl('d')]).out).toEqual([]);
    expect(view([...type('abc'), ctrl('d')])).toBe('abc|');
    expect(feed([ctrl('d')]).out).toEqual([{ type: 'command', command: 'app.quit' }]);
  });

  it('Backspace deletes the character before the cursor, not at the end', () => {
    expect(view([...type('abc'), LEFT, BACKSPACE])).toBe('a|c');
    expect(view([...type('abc'), HOME, BACKSPACE])).toBe('|abc');
  });

  it('Up on an empty composer recalls the last message; further Up walks older; Down walks back to empty', () => {
    const sent = feed([...type('one'), ENTER, ...type('two'), ENTER, ...type('three'), ENTER]).state;
    expect(sent.history).toEqual(['one', 'two', 'three']);
    expect(view([UP], sent)).toBe('three|');
    expect(view([UP, UP], sent)).toBe('two|');
    expect(view([UP, UP, UP, UP], sent)).toBe('one|');
    expect(view([UP, UP, UP, DOWN], sent)).toBe('two|');
    expect(view([UP, DOWN], sent)).toBe('|');
    // Editing a recalled line ends the walk: Up no longer replaces it.
    expect(view([UP, ch('!'), UP], sent)).toBe('three!|');
  });

  it('sending the same line twice keeps one history entry; Enter sends the whole line wherever the cursor is', () => {
    const r = feed([...type('same'), LEFT, LEFT, ENTER, ...type('same'), ENTER]);
    expect(r.out).toEqual([
      { type: 'submit', text: 'same' },
      { type: 'submit', text: 'same' },
    ]);
    expect(r.state.history).toEqual(['same']);
  });

  it('a paste inserts at the cursor', () => {
    expect(view([...type('ad'), LEFT, ['[200~', keyOf({})], ch('bc'), ['[201~', keyOf({})]])).toBe('abc|d');
  });
});
