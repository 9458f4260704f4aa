// Per-conversation message storage for the view model. A conversation can hold 100k+ messages, so the
// reducer must not copy the list per event: this store is append-mostly and mutable, split into
// fixed-size chunks, with an id → position index and a version counter that React memoises on.

import type { AckState } from '../../core/api/events.js';
import type { SafeText } from '../text.js';

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
    const seen = new Set<string>();
    const fresh = rows.filter((r) => {
      if (this.index.has(r.messageId) || seen.has(r.messageId)) return false;
      seen.add(r.messageId);
      return true;
    });
    if (fresh.length === 0) return 0;
    const lastTime = this.count === 0 ? -Infinity : this.at(this.count - 1)!.time;
    const sortedFresh = [...fresh].sort((a, b) => a.time - b.time);
    if (sortedFresh[0]!.time >= lastTime) {
      for (const r of sortedFresh) this.append(r);
      return fresh.length;
    }
    const all: MessageRow[] = [];
    for (const c of this.chunks) for (const r of c) all.push(r);
    for (const r of sortedFresh) all.push(r);
    // Stable sort: equal times keep arrival order.
    all.sort((a, b) => a.time - b.time);
    this.chunks.length = 0;
    this.index.clear();
    this.count = 0;
    for (const r of all) this.append(r);
    return fresh.length;
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
