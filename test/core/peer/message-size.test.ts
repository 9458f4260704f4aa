// One message's size and long texts cut into several (src/core/peer/message-size.ts): every piece fits the wire's
// limit (the same check the engine applies before sending), the pieces are the text in order, and cuts fall on line
// breaks or spaces where they can, never inside a character.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_GROUP_MESSAGE_LENGTH } from '../../../src/core/limits.js';
import { messageSize, splitText, textFits } from '../../../src/core/peer/message-size.js';
import { OVERLAY_TEXT } from '../../../src/core/peer/overlay.js';
import { chatMessageFits } from '../../../src/core/peer/peer-app.js';

describe('message size', () => {
  it('agrees with the engine\'s own check for a chat message, and with the group limit', () => {
    for (const n of [0, 100, 5000, 6000, 6090, 6200, 8000]) {
      const text = 'x'.repeat(n);
      expect(textFits('contact', text)).toBe(chatMessageFits('4294967295', { overlay: OVERLAY_TEXT, data: text }));
    }
    expect(textFits('group', 'y'.repeat(MAX_GROUP_MESSAGE_LENGTH - 20))).toBe(true);
    expect(textFits('group', 'y'.repeat(MAX_GROUP_MESSAGE_LENGTH))).toBe(false);
    expect(messageSize('group', 'hi')).toEqual({ used: '{"o":1,"d":"hi"}'.length, max: MAX_GROUP_MESSAGE_LENGTH });
  });

  it('cuts any text into pieces that each fit and join back to it (group and contact)', () => {
    const text = fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('👩‍👩‍👧', 'e\u0301', '\n', ' ', '"<>&', 'ß'.repeat(30))), { maxLength: 400 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('group' as const, 'contact' as const), (t, kind) => {
        const pieces = splitText(kind, t);
        expect(pieces.join('')).toBe(t);
        for (const p of pieces) expect(textFits(kind, p)).toBe(true);
        if (textFits(kind, t)) expect(pieces).toEqual(t === '' ? [] : [t]);
      }),
      { numRuns: 200 },
    );
  });

  it('prefers a line break, then a space; never splits a character', () => {
    const para = `${'a'.repeat(1000)}\n${'b'.repeat(1000)}`;
    expect(splitText('group', para)).toEqual([`${'a'.repeat(1000)}\n`, 'b'.repeat(1000)]);
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
    const cut = splitText('group', words);
    expect(cut.length).toBeGreaterThan(1);
    for (const p of cut.slice(0, -1)) expect(p.endsWith(' ')).toBe(true);
    const emoji = '👩‍👩‍👧'.repeat(200);
    for (const p of splitText('group', emoji)) expect(p.length % '👩‍👩‍👧'.length).toBe(0);
  });
});
