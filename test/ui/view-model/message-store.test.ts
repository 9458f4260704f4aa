import { describe, expect, it } from 'vitest';
import { MessageStore, StoredMessage, type MessageRow } from '../../../src/ui/view-model/message-store.js';
import { uiText } from '../../../src/ui/text.js';

const row = (i: number, time = i): MessageRow => ({ messageId: `m${i}`, from: 'x', fromName: uiText('x'), text: uiText(`t${i}`), time, outgoing: false, ack: 'acknowledged' });

describe('MessageStore', () => {
  it('holds 100k messages across chunks with O(1) lookups and a version per change', () => {
    const s = new MessageStore();
    for (let i = 0; i < 100_000; i++) s.append(row(i));
    expect(s.length).toBe(100_000);
    expect(s.at(54_321)!.messageId).toBe('m54321');
    expect(s.byId('m99999')!.time).toBe(99_999);
    expect(s.positionOf('m1024')).toBe(1024);
    expect(s.version).toBe(100_000);
    expect(s.at(100_000)).toBeUndefined();
    expect(s.at(-1)).toBeUndefined();
  });

  it('live appends do not touch existing rows (no copy of the list)', () => {
    const s = new MessageStore();
    s.append(row(0));
    const first = s.at(0);
    for (let i = 1; i < 3000; i++) s.append(row(i));
    expect(s.at(0)).toBe(first);
  });

  it('merge appends newer history directly and re-sorts older history', () => {
    const s = new MessageStore();
    s.append(row(5));
    expect(s.merge([row(7), row(6), row(6)])).toBe(2);
    expect(s.merge([row(1), row(5)])).toBe(1);
    expect(Array.from({ length: s.length }, (_, i) => s.at(i)!.messageId)).toEqual(['m1', 'm5', 'm6', 'm7']);
    expect(s.positionOf('m7')).toBe(3);
  });
});

describe('an older page read in front', () => {
  it('keeps the profile order for messages with the same millisecond across the page edge', () => {
    const s = new MessageStore();
    const row = (i: number, time: number) => new StoredMessage(`m${i}`, 'x', uiText('x'), uiText(`t${i}`), time, false, 'acknowledged');
    // The newest page: m3..m5, all at t=100; then the page before it: m0..m2, m1 and m2 also at t=100.
    s.merge([row(3, 100), row(4, 100), row(5, 100)]);
    s.merge([row(0, 90), row(1, 100), row(2, 100)]);
    expect(Array.from({ length: s.length }, (_, i) => s.at(i)!.messageId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('pages back through 100k in pages of 200 without touching the rows already held, lookups right at every step', () => {
    const s = new MessageStore();
    s.merge(Array.from({ length: 200 }, (_, k) => row(99_800 + k)));
    const newest = s.at(199);
    for (let end = 99_800; end > 0; end -= 200) {
      expect(s.merge(Array.from({ length: 200 }, (_, k) => row(end - 200 + k)))).toBe(200);
      expect(s.positionOf(`m${end}`)).toBe(200);
    }
    expect(s.length).toBe(100_000);
    expect(s.at(s.length - 1)).toBe(newest);
    for (const i of [0, 1, 1023, 1024, 54_321, 99_799, 99_800, 99_999]) {
      expect(s.at(i)!.messageId).toBe(`m${i}`);
      expect(s.positionOf(`m${i}`)).toBe(i);
      expect(s.byId(`m${i}`)!.time).toBe(i);
    }
    // Live messages still append after it, and history that interleaves still sorts in.
    s.append(row(100_000));
    expect(s.positionOf('m100000')).toBe(100_000);
    expect(s.merge([row(100_001, 50), row(5)])).toBe(1);
    expect(s.at(51)!.messageId).toBe('m100001');
    expect(s.positionOf('m0')).toBe(0);
    expect(s.length).toBe(100_002);
  });

  it('an id repeated inside an older page keeps its first place', () => {
    const s = new MessageStore();
    s.merge([row(10), row(11)]);
    expect(s.merge([row(1), row(2), row(1), row(3)])).toBe(3);
    expect(Array.from({ length: s.length }, (_, i) => s.at(i)!.messageId)).toEqual(['m1', 'm2', 'm3', 'm10', 'm11']);
    expect(s.at(-1)).toBeUndefined();
    expect(s.at(5)).toBeUndefined();
  });
});
