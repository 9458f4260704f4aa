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

export class MessageStore {
  private readonly chunks: MessageRow[][] = [];
  private readonly index = new Map<string, number>();
  private count = 0;
  /** Bumped on every change; components memoise on it. */
  version = 0;

  get length(): number {
    return this.count;
  }

  at(i: number): MessageRow | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.chunks[Math.floor(i / CHUNK)]![i % CHUNK];
  }

  byId(messageId: string): MessageRow | undefined {
    const i = this.index.get(messageId);
    return i === undefined ? undefined : this.at(i);
  }

  positionOf(messageId: string): number | undefined {
    return this.index.get(messageId);
  }

  /** Add a message unless its id is already present (events can repeat after a history merge). */
  append(m: MessageRow): boolean {
    if (this.index.has(m.messageId)) return false;
    const last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.length === CHUNK) this.chunks.push([m]);
    else last.push(m);
    this.index.set(m.messageId, this.count);
    this.count++;
    this.version++;
    return true;
  }

  /**
   * Merge older or overlapping history. New messages are kept in time order; already-known ids are
   * skipped. Rebuilding is O(n) but only happens when history arrives out of order (a page load),
   * never per live message.
   */
  merge(rows: readonly MessageRow[]): number {
    const before = this.count;
    const fresh = rows.filter((r) => !this.index.has(r.messageId));
    if (fresh.length === 0) return 0;
    // Pages usually arrive oldest-first already; only sort when they do not.
    let sorted = true;
    for (let i = 1; i < fresh.length && sorted; i++) sorted = fresh[i - 1]!.time <= fresh[i]!.time;
    if (!sorted) fresh.sort((a, b) => a.time - b.time);
    const lastTime = this.count === 0 ? -Infinity : this.at(this.count - 1)!.time;
    if (fresh[0]!.time >= lastTime) {
      // append() skips ids repeated inside the page.
      for (const r of fresh) this.append(r);
      return this.count - before;
    }
    const all: MessageRow[] = [];
    // An older page (history before the oldest shown) goes in front as it is: messages with the same millisecond on
    // both sides of the page's edge must keep the profile's order, which a sort by time cannot know.
    const prepend = fresh[fresh.length - 1]!.time <= this.at(0)!.time;
    if (prepend) for (const r of fresh) all.push(r);
    for (const c of this.chunks) for (const r of c) all.push(r);
    if (!prepend) {
      for (const r of fresh) all.push(r);
      // Stable sort: equal times keep arrival order.
      all.sort((a, b) => a.time - b.time);
    }
    this.chunks.length = 0;
    this.index.clear();
    this.count = 0;
    for (const r of all) this.append(r);
    return this.count - before;
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
