import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { composerLines } from '../../../src/ui/view-model/composer-view.js';

const width = (l: { prefix: string; before: string; at?: string }): number => stringWidth(l.prefix + l.before + (l.at ?? ''));

describe('composerLines', () => {
  it('splits the cursor line around the cursor cell; a space stands for the end of the line', () => {
    expect(composerLines('hi', 1, 80, 8)).toEqual([{ prefix: '> ', before: 'h', at: 'i', after: '' }]);
    expect(composerLines('hi', 2, 80, 8)).toEqual([{ prefix: '> ', before: 'hi', at: ' ', after: '' }]);
    expect(composerLines('a😀b', 1, 80, 8)[0]).toMatchObject({ before: 'a', at: '😀', after: 'b' });
  });

  it('finds the cursor on later lines and keeps it in view when the draft has more lines than fit', () => {
    const text = ['l0', 'l1', 'l2', 'l3'].join('\n');
    const atEnd = composerLines(text, text.length, 80, 2);
    expect(atEnd.map((l) => l.before)).toEqual(['l2', 'l3']);
    const atStart = composerLines(text, 0, 80, 2);
    expect(atStart[0]).toMatchObject({ prefix: '> ', before: '', at: 'l' });
    expect(atStart).toHaveLength(2);
    // The cursor at the end of line 1 (just before its newline) is on line 1.
    expect(composerLines(text, 5, 80, 8)[1]).toMatchObject({ before: 'l1', at: ' ' });
  });

  it('scrolls a long line sideways by display width so the cursor cell fits (CJK and emoji are two cells)', () => {
    for (const unit of ['a', '漢', '😀']) {
      const text = unit.repeat(100);
      for (const w of [10, 11, 40]) {
        const [l] = composerLines(text, text.length, w, 8);
        expect(l!.prefix).toBe('…');
        expect(width(l!)).toBeLessThanOrEqual(w);
        expect(width(l!)).toBeGreaterThanOrEqual(w - 2);
        expect(l!.at).toBe(' ');
      }
    }
  });
});
