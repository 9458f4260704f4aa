// Per-conversation message storage for the view model. A conversation can hold 100k+ messages, so the
// reducer must not copy the list per event: this store is append-mostly and mutable, split into
// fixed-size chunks, with an id → position index and a version counter that React memoises on.

import type { AckState } from '../../core/api/events.js';
import { untrusted, type SafeText } from '../text.js';

export interface MessageRow {
  readonly messageId: string;
  readonly from: string;
  readonly fromName: SafeText;
  readonly text: SafeText;
  readonly time: number;
  readonly outgoing: boolean;
  ack: AckState;
  failReason?: SafeText;
  /** Overlay 10 quoted reply: the quoted text as we know it (or a placeholder). */
  readonly quote?: SafeText;
}

/**
 * A received message whose text is made safe on first draw rather than on arrival: a 100k-message
 * history page then costs one small object per message, and only rows that reach the screen pay for
 * toSafeText. The raw text never leaves this class except through `text`.
 */
export class StoredMessage implements MessageRow {
  private safe: SafeText | undefined;
  failReason?: SafeText;
  quote?: SafeText;

  constructor(
    readonly messageId: string,
    readonly from: string,
    readonly fromName: SafeText,
    private readonly raw: string,
    readonly time: number,
    readonly outgoing: boolean,
    public ack: AckState,
  ) {}

  get text(): SafeText {
    this.safe ??= untrusted(this.raw);
    return this.safe;
  }
}

const CHUNK = 1024;

/**
 * Messages by sequence number in fixed-size chunks: appended ones count up from 0 (`back`), older pages put in
 * front count down from -1 (`front`, chunk j holding -1-j*CHUNK downwards). Paging back through 100k messages then
 * costs each page its own length, not a rebuild of everything read so far.
 */
export class MessageStore {
  private back: MessageRow[][] = [];
  private front: MessageRow[][] = [];
  /** messageId → sequence number (position = seq - first). */
  private readonly index = new Map<string, number>();
  /** Sequence numbers in use: [first, end). */
  private first = 0;
  private end = 0;
  /** Bumped on every change; components memoise on it. */
  version = 0;

  get length(): number {
    return this.end - this.first;
  }

  at(i: number): MessageRow | undefined {
    if (i < 0 || i >= this.end - this.first) return undefined;
    const seq = i + this.first;
    if (seq >= 0) return this.back[Math.floor(seq / CHUNK)]![seq % CHUNK];
    const k = -seq - 1;
    return this.front[Math.floor(k / CHUNK)]![k % CHUNK];
  }

  byId(messageId: string): MessageRow | undefined {
    const seq = this.index.get(messageId);
    return seq === undefined ? undefined : this.at(seq - this.first);
  }

  positionOf(messageId: string): number | undefined {
    const seq = this.index.get(messageId);
    return seq === undefined ? undefined : seq - this.first;
  }

  /** Add a message unless its id is already present (events can repeat after a history merge). */
  append(m: MessageRow): boolean {
    if (this.index.has(m.messageId)) return false;
    const last = this.back[this.back.length - 1];
    if (last === undefined || last.length === CHUNK) this.back.push([m]);
    else last.push(m);
    this.index.set(m.messageId, this.end++);
    this.version++;
    return true;
  }

  /** Put a message before the oldest (the caller knows its id is new). */
  private prepend(m: MessageRow): void {
    const last = this.front[this.front.length - 1];
    if (last === undefined || last.length === CHUNK) this.front.push([m]);
    else last.push(m);
    this.index.set(m.messageId, --this.first);
  }

  /**
   * Merge older or overlapping history. New messages are kept in time order; already-known ids are
   * skipped. A page newer than the newest is appended and one older than the oldest put in front (a page load),
   * each in the page's length; only history that interleaves with what is held rebuilds, O(n).
   */
  merge(rows: readonly MessageRow[]): number {
    const before = this.length;
    const fresh = rows.filter((r) => !this.index.has(r.messageId));
    if (fresh.length === 0) return 0;
    // Pages usually arrive oldest-first already; only sort when they do not.
    let sorted = true;
    for (let i = 1; i < fresh.length && sorted; i++) sorted = fresh[i - 1]!.time <= fresh[i]!.time;
    if (!sorted) fresh.sort((a, b) => a.time - b.time);
    const lastTime = this.length === 0 ? -Infinity : this.at(this.length - 1)!.time;
    if (fresh[0]!.time >= lastTime) {
      // append() skips ids repeated inside the page.
      for (const r of fresh) this.append(r);
      return this.length - before;
    }
    // An older page (history before the oldest shown) goes in front as it is: messages with the same millisecond on
    // both sides of the page's edge must keep the profile's order, which a sort by time cannot know.
    if (fresh[fresh.length - 1]!.time <= this.at(0)!.time) {
      // An id repeated inside the page keeps its first (oldest) place, as append() would.
      const seen = new Set<string>();
      const page: MessageRow[] = [];
      for (const r of fresh) {
        if (seen.has(r.messageId)) continue;
        seen.add(r.messageId);
        page.push(r);
      }
      for (let i = page.length - 1; i >= 0; i--) this.prepend(page[i]!);
      this.version++;
      return this.length - before;
    }
    const all: MessageRow[] = [];
    for (let i = 0; i < this.length; i++) all.push(this.at(i)!);
    for (const r of fresh) all.push(r);
    // Stable sort: equal times keep arrival order.
    all.sort((a, b) => a.time - b.time);
    this.back = [];
    this.front = [];
    this.index.clear();
    this.first = 0;
    this.end = 0;
    for (const r of all) this.append(r);
    return this.length - before;
  }

  /** Update the ack state of a known message; unknown ids are ignored (the event raced a restart). */
  setAck(messageId: string, ack: AckState, reason?: SafeText): boolean {
    const m = this.byId(messageId);
    if (m === undefined) return false;
    // An ack is final; a late 'sent' must not move an acknowledged message back.
    if (m.ack === 'acknowledged' && ack !== 'acknowledged') return false;
    m.ack = ack;
    if (reason !== undefined) m.failReason = reason;
    this.version++;
    return true;
  }
}
