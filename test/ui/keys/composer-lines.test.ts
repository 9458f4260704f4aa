// Up/Down inside a multi-line draft: they move between the draft's lines, keeping the display column (grapheme and
// cell width); only past the first line (Up) or the last (Down) do they walk history, and only during a walk.

import { describe, expect, it } from 'vitest';
import { keyOf } from '../../../src/ui/keys/bindings.js';
import { ch, DOWN, ENTER, feed, HOME, LEFT, type, UP, view, type Press } from '../helpers/composer-feed.js';

const NL: Press = ['', keyOf({ return: true, meta: true })];

/** Type a draft whose lines are `lines` (Alt+Enter between them), cursor at its end. */
const draft = (...lines: string[]): Press[] => lines.flatMap((l, i) => (i === 0 ? type(l) : [NL, ...type(l)]));

describe('Up/Down in a multi-line draft', () => {
  it('Up moves to the same column of the line above; Down comes back', () => {
    expect(view([...draft('abcdef', 'xyz'), UP])).toBe('abc|def\nxyz');
    expect(view([...draft('abcdef', 'xyz'), UP, DOWN])).toBe('abcdef\nxyz|');
    expect(view([...draft('one', 'two', 'three'), HOME, UP, UP])).toBe('|one\ntwo\nthree');
  });

  it('a shorter line in between does not lose the column (it is remembered until another key)', () => {
    expect(view([...draft('abcdef', 'x', 'uvwxyz'), UP])).toBe('abcdef\nx|\nuvwxyz');
    expect(view([...draft('abcdef', 'x', 'uvwxyz'), UP, UP])).toBe('abcdef|\nx\nuvwxyz');
    // A horizontal move forgets the goal column: from "x|" the column is 1.
    expect(view([...draft('abcdef', 'x', 'uvwxyz'), UP, LEFT, ['', keyOf({ rightArrow: true })], UP])).toBe('a|bcdef\nx\nuvwxyz');
  });

  it('the column is counted in terminal cells: CJK and emoji are two cells, never split', () => {
    // "ab" is two cells: above it, the cursor lands after one CJK character.
    expect(view([...draft('漢字かな', 'ab'), UP])).toBe('漢|字かな\nab');
    // One cell falls inside a wide character: stop before it rather than overshoot.
    expect(view([...draft('漢字', 'a'), UP])).toBe('|漢字\na');
    expect(view([...draft('x😀y', 'abc'), UP])).toBe('x😀|y\nabc');
    expect(view([...draft('a👨‍👩‍👧b', 'xyz'), UP])).toBe('a👨‍👩‍👧|b\nxyz');
    expect(view([...draft('abc', '漢字'), LEFT, UP])).toBe('ab|c\n漢字');
  });

  it('Up on the first line of a draft never replaces it with history; Down on the last does nothing', () => {
    const sent = feed([...type('old'), ENTER]).state;
    expect(view([...draft('ab', 'cd'), UP, UP, UP], sent)).toBe('ab|\ncd');
    expect(view([...draft('ab', 'cd'), DOWN], sent)).toBe('ab\ncd|');
    // An empty composer still recalls (ux.md, SimpleX).
    expect(view([UP], sent)).toBe('old|');
  });

  it('a recalled multi-line message: Up walks its lines, then older history; Down walks its lines, then newer', () => {
    const sent = feed([...type('first'), ENTER, ...draft('line one', 'line two'), ENTER]).state;
    expect(view([UP], sent)).toBe('line one\nline two|');
    expect(view([UP, UP], sent)).toBe('line one|\nline two');
    expect(view([UP, UP, UP], sent)).toBe('first|');
    // From "first", Down shows the two-line entry (cursor at its end); Down again leaves it for an empty line.
    expect(view([UP, UP, UP, DOWN], sent)).toBe('line one\nline two|');
    expect(view([UP, UP, UP, DOWN, DOWN], sent)).toBe('|');
    expect(view([UP, UP, DOWN], sent)).toBe('line one\nline two|');
  });

  it('typing after a vertical move inserts at the new place and ends the history walk', () => {
    const r = feed([...draft('ab', 'cd'), UP, ch('X')]).state;
    expect(r.text).toBe('abX\ncd');
    expect(r.goalColumn).toBeUndefined();
  });
});
