// The page-scroll fast paths in pane-layout.ts: the ASCII width shortcut agrees with string-width, and the
// per-message wrap cache gives the same rows as a fresh layout whatever the widths it was filled at.

import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { uiText } from '../../../src/ui/text.js';
import { fingerprintOf } from '../../../src/ui/view-model/identity.js';
import { MessageStore, type MessageRow } from '../../../src/ui/view-model/message-store.js';
import { cellWidth, layoutPane, wrapCells } from '../../../src/ui/view-model/pane-layout.js';
import { at, onion } from '../helpers/fixtures.js';

const text = fc.array(fc.constantFrom('a', 'Z', ' ', '~', '界', '✓', '😀', 'é', '\u0301', '\n', 'word '), { maxLength: 80 }).map((xs) => xs.join(''));

function storeOf(texts: readonly string[], outgoing = false): MessageStore {
  const s = new MessageStore();
  texts.forEach((t, i) =>
    s.append({ messageId: `m${i}`, from: onion(1), fromName: uiText(i % 2 === 0 ? 'alice' : 'bób 界'), text: uiText(t), time: at(9, 0) + i * 1000, outgoing: outgoing && i % 3 === 0, ack: 'acknowledged' } satisfies MessageRow),
  );
  return s;
}

describe('pane layout fast paths', () => {
  it('cellWidth equals string-width (ASCII shortcut or not)', () => {
    fc.assert(fc.property(fc.oneof(text, fc.string()), (s) => {
        expect(cellWidth(s)).toBe(stringWidth(s));
      }));
  });

  it('wrapCells keeps every line within the width', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (s, w) => {
        for (const l of wrapCells(s, w)) expect(stringWidth(l) <= w || [...l].length === 1).toBe(true);
      }),
    );
  });

  it('wrapCells loses nothing but the spaces it breaks at, and keeps each line within its width', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (s, w, rest) => {
        const lines = wrapCells(s, w, rest);
        const squeeze = (x: string): string => x.replace(/[ \n]/g, '');
        expect(squeeze(lines.join(''))).toBe(squeeze(s));
        expect(lines.length).toBeGreaterThanOrEqual(s.split('\n').length);
        lines.forEach((l, i) => expect(stringWidth(l) <= (i === 0 ? w : rest) || [...l].length === 1).toBe(true));
      }),
    );
  });

  it('a layout after layouts at other widths (cached wraps) equals a layout of fresh messages', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 10, max: 80 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (texts, widths, outgoing) => {
        const warm = storeOf(texts, outgoing);
        for (const width of widths) layoutPane({ store: warm, gaps: [], height: 30, width, fingerprintOf });
        const width = widths[0]!;
        const cached = layoutPane({ store: warm, gaps: [], height: 30, width, fingerprintOf });
        const fresh = layoutPane({ store: storeOf(texts, outgoing), gaps: [], height: 30, width, fingerprintOf });
        expect(cached).toEqual(fresh);
      }),
      { numRuns: 200 },
    );
  });
});
