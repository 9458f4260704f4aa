import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { uiText } from '../../../src/ui/text.js';
import { fingerprintOf } from '../../../src/ui/view-model/identity.js';
import { MessageStore, type MessageRow } from '../../../src/ui/view-model/message-store.js';
import { anchorForTop, clockTime, gapMarkerText, layoutPane, messageTime, scrolledAnchor, wrapCells } from '../../../src/ui/view-model/pane-layout.js';
import { at, onion } from '../helpers/fixtures.js';

const FROM = onion(1);
const row = (i: number, time: number, text = `msg ${i}`, over: Partial<MessageRow> = {}): MessageRow => ({
  messageId: `m${i}`,
  from: FROM,
  fromName: uiText('alice'),
  text: uiText(text),
  time,
  outgoing: false,
  ack: 'acknowledged',
  ...over,
});

function storeOf(n: number, time = (i: number) => at(9, 0) + i * 1000): MessageStore {
  const s = new MessageStore();
  for (let i = 0; i < n; i++) s.append(row(i, time(i)));
  return s;
}

const base = { gaps: [], width: 60, fingerprintOf };

describe('layoutPane', () => {
  it('with 100k messages builds only the rows that fit, ending at the newest', () => {
    const store = storeOf(100_000);
    const l = layoutPane({ ...base, store, height: 20 });
    expect(l.rows.length).toBe(20);
    expect(l.last).toBe(99_999);
    expect(l.first).toBeGreaterThan(99_970);
    const last = l.rows[l.rows.length - 1]!;
    expect(last.kind === 'msg' && last.text).toBe('msg 99999');
  });

  it('anchors: the bottom row is the anchored message', () => {
    const l = layoutPane({ ...base, store: storeOf(1000), height: 5, anchor: 500 });
    expect(l.last).toBe(500);
    expect(l.first).toBe(496);
  });

  it('puts a day separator where the date changes', () => {
    const s = new MessageStore();
    s.append(row(0, at(23, 59, 1)));
    s.append(row(1, at(0, 1, 2)));
    const kinds = layoutPane({ ...base, store: s, height: 10 }).rows.map((r) => (r.kind === 'day' ? r.text : r.kind));
    expect(kinds).toEqual(['── 2026-01-01 ──', 'msg', '── 2026-01-02 ──', 'msg']);
  });

  it('draws an open gap in place after its "before" message, with the times', () => {
    const s = new MessageStore();
    s.append(row(0, at(12, 3)));
    s.append(row(1, at(12, 41)));
    const gap = { gapId: 'g', before: 'm0', after: 'm1', beforeTime: at(12, 3), afterTime: at(12, 41), cause: 'pruned' as const, open: true };
    const rows = layoutPane({ ...base, store: s, gaps: [gap], height: 10 }).rows;
    expect(rows.map((r) => r.kind)).toEqual(['day', 'msg', 'gap', 'msg']);
    expect(rows[2]!.text).toContain('⟂ messages missing between 12:03 and 12:41 — server withheld or pruned');
    expect(layoutPane({ ...base, store: s, gaps: [{ ...gap, open: false }], height: 10 }).rows.map((r) => r.kind)).toEqual(['day', 'msg', 'msg']);
  });

  it('gap text without times still says what happened', () => {
    expect(gapMarkerText({ gapId: 'x', cause: 'withheld', open: true })).toBe('⟂ messages missing here — server withheld or pruned (reported: withheld)');
  });

  it('ack marks: pending ○, sent ✓, acknowledged ✓✓, failed ✗ with the reason on demand', () => {
    const s = new MessageStore();
    const acks = ['pending', 'sent', 'acknowledged', 'failed'] as const;
    acks.forEach((a, i) => s.append(row(i, at(9, i), `o${i}`, { outgoing: true, ack: a, ...(a === 'failed' ? { failReason: uiText('peer offline') } : {}) })));
    const marks = layoutPane({ ...base, store: s, height: 10 })
      .rows.filter((r) => r.kind === 'msg')
      .map((r) => (r.kind === 'msg' ? r.head?.mark : ''));
    expect(marks).toEqual(['○', '✓', '✓✓', '✗']);
    const withReason = layoutPane({ ...base, store: s, height: 10, showFailReasons: true }).rows;
    expect(withReason[withReason.length - 1]).toMatchObject({ kind: 'reason', text: '      ✗ could not send: peer offline' });
  });

  it('wraps long and wide text within the pane width', () => {
    const store = new MessageStore();
    store.append(row(0, at(9, 0), '漢字'.repeat(40)));
    const rows = layoutPane({ ...base, store, height: 10, width: 30 }).rows;
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows.slice(2)) expect(stringWidth(r.text)).toBeLessThanOrEqual(30);
  });

  it('anchorForTop shows the oldest messages', () => {
    const store = storeOf(100);
    const a = anchorForTop({ ...base, store, height: 6 });
    const l = layoutPane({ ...base, store, height: 6, anchor: a });
    expect(l.first).toBe(0);
  });
});

describe('scrolledAnchor (PgUp, PgDn, Alt+Home, Alt+End)', () => {
  const pane = (store: MessageStore, height = 5) => ({ ...base, store, height });

  it('PgUp from the newest puts the top message at the bottom, page after page, down to the first', () => {
    const p = pane(storeOf(1000));
    expect(layoutPane(p).first).toBe(995);
    expect(scrolledAnchor('scroll.pageUp', p, undefined)).toBe(995);
    expect(scrolledAnchor('scroll.pageUp', p, 995)).toBe(991);
    expect(scrolledAnchor('scroll.pageUp', p, 2)).toBe(0);
    expect(scrolledAnchor('scroll.pageUp', p, 0)).toBe(0);
  });

  it('PgDn moves on as many messages as were on screen and follows the newest once it gets there', () => {
    const p = pane(storeOf(1000));
    expect(scrolledAnchor('scroll.pageDown', p, 991)).toBe(995);
    expect(scrolledAnchor('scroll.pageDown', p, 995)).toBeUndefined();
    // Already following the newest: stays so.
    expect(scrolledAnchor('scroll.pageDown', p, undefined)).toBeUndefined();
    // PgUp then PgDn comes back to the same page.
    expect(scrolledAnchor('scroll.pageDown', p, scrolledAnchor('scroll.pageUp', p, 500)!)).toBe(500);
  });

  it('a message taller than the pane: PgUp steps back one message, PgDn on one', () => {
    const s = new MessageStore();
    s.append(row(0, at(9, 0), 'short'));
    s.append(row(1, at(9, 1), 'long '.repeat(200)));
    s.append(row(2, at(9, 2), 'short'));
    s.append(row(3, at(9, 3), 'short'));
    const p = { ...pane(s, 3), width: 30 };
    const l = layoutPane({ ...p, anchor: 1 });
    expect([l.first, l.last]).toEqual([1, 1]);
    expect(scrolledAnchor('scroll.pageUp', p, 1)).toBe(0);
    expect(scrolledAnchor('scroll.pageDown', p, 1)).toBe(2);
  });

  it('Alt+Home anchors where the oldest message is at the top; Alt+End follows the newest', () => {
    const p = pane(storeOf(100), 6);
    const top = scrolledAnchor('scroll.top', p, 50);
    expect(top).toBe(anchorForTop(p));
    expect(layoutPane({ ...p, anchor: top }).first).toBe(0);
    expect(scrolledAnchor('scroll.bottom', p, 50)).toBeUndefined();
  });

  it('an empty conversation has nothing to scroll', () => {
    for (const c of ['scroll.pageUp', 'scroll.pageDown', 'scroll.top', 'scroll.bottom'] as const) expect(scrolledAnchor(c, pane(new MessageStore()), 3)).toBeUndefined();
  });
});

describe('wrapCells', () => {
  it('counts emoji and CJK as two cells', () => {
    expect(wrapCells('😀😀😀', 4)).toEqual(['😀😀', '😀']);
    expect(wrapCells('abc\ndef', 10)).toEqual(['abc', 'def']);
  });

  it('breaks between words, consuming the space; a word longer than a line is broken where it must be', () => {
    expect(wrapCells('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapCells('the quick brown fox', 9)).toEqual(['the quick', 'brown fox']);
    expect(wrapCells('abcdefghijkl mn', 5)).toEqual(['abcde', 'fghij', 'kl mn']);
    expect(wrapCells('a  b', 2)).toEqual(['a ', 'b']);
    expect(wrapCells('中文 中文', 4)).toEqual(['中文', '中文']);
    // The first line has its own width (beside the message head), the rest another.
    expect(wrapCells('one two three four', 3, 10)).toEqual(['one', 'two three', 'four']);
    // A first word too wide for the first line but not for the next starts there, unbroken.
    expect(wrapCells('internationalization here', 8, 40)).toEqual(['', 'internationalization here']);
    // Spaces at a break are consumed, all of them.
    expect(wrapCells('hello      world', 5)).toEqual(['hello', 'world']);
    expect(wrapCells('hello      ', 5)).toEqual(['hello']);
  });

  it('measures what a terminal draws as one character: emoji with VS16, keycaps, ZWJ families, flags', () => {
    expect(wrapCells('❤️❤️❤️❤️❤️❤️', 4)).toEqual(['❤️❤️', '❤️❤️', '❤️❤️']);
    expect(wrapCells('1️⃣1️⃣1️⃣', 4)).toEqual(['1️⃣1️⃣', '1️⃣']);
    expect(wrapCells('👩‍👩‍👧👩‍👩‍👧🇩🇪', 4)).toEqual(['👩‍👩‍👧👩‍👩‍👧', '🇩🇪']);
  });
});

describe('message times (timestamps and clock settings)', () => {
  const t = new Date(2026, 11, 8, 15, 5).getTime();
  it('a clock, 24 or 12 hour', () => {
    expect(messageTime(t)).toBe('15:05');
    expect(messageTime(t, { relative: false, hour12: true, now: t })).toBe(' 3:05pm');
    expect(messageTime(new Date(2026, 11, 8, 0, 7).getTime(), { relative: false, hour12: true, now: t })).toBe('12:07am');
    expect(clockTime(new Date(2026, 11, 8, 12, 0, 9).getTime(), true, true)).toBe('12:00:09pm');
  });
  it('relative within a day, the clock beyond it and for a time ahead of now', () => {
    const rel = (ago: number): string => messageTime(t - ago, { relative: true, hour12: false, now: t });
    expect(rel(0)).toBe('now');
    expect(rel(59_999)).toBe('now');
    expect(rel(60_000)).toBe(' 1m');
    expect(rel(59 * 60_000)).toBe('59m');
    expect(rel(3 * 3_600_000)).toBe(' 3h');
    expect(rel(24 * 3_600_000)).toBe(messageTime(t - 24 * 3_600_000));
    expect(rel(-5_000)).toBe(messageTime(t + 5_000));
  });
});
