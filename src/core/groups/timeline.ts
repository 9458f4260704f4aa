// The hash-chained group timeline with visible gaps (docs/protocol.md §7.4–§7.5, handbook "Detectable Faults", docs/ux.md).
//
// Every group message names the signature of the message its sender saw last (PreviousMessageSig). A server that
// withholds a message from some members leaves "a detectable gap in the message tree": a message naming a
// signature we never received. This module turns that into data the UI can draw — a gap between two known
// messages — and closes it when the missing message turns up. It is a pure data structure: no I/O, no clock (times
// come in on the messages), and its state is a function of the stored rows, so `GroupTimeline.rebuild` gives back
// the same order and the same open gaps after a restart.
//
// Order: the hash chain first, then arrival, and the claimed clock only where causality says nothing.
// Each message gets a sort key
//   (effectiveTime, anchor, depth, id)
// - a message whose predecessor we hold: effectiveTime = max(own timestamp, parent's), anchor = parent's,
//   depth = parent's + 1 — so a child never sorts before its parent and concurrent branches interleave by their
//   (claimed, whole-second) timestamps, ties falling to the signature;
// - a first message (names nothing): effectiveTime = own timestamp, anchor 0, depth 0;
// - an orphan (names a message we lack, e.g. one the server withheld): it hangs below that missing message, which
//   is placed where we learnt of it — after everything that arrived before the first message naming it
//   (effectiveTime floor = the newest claimed timestamp among earlier arrivals; anchor = 1 + that arrival's
//   sequence number). Without this an orphan was a depth-0 root and, in the same second as the chain's first
//   message, could sort before it by signature — the gap then had no `before` and its event no `beforeTime`.
// Once every message is known there are no orphans, so the key depends only on the set: any delivery order of
// the same set gives the same final order. While a gap is open the order depends on arrival, which the stored
// rows keep (their row ids): rebuild takes them in arrival order and gives back the same timeline.
//
// Wiring (the groups integration): one GroupTimeline per group.
//   start:    GroupTimeline.rebuild(group, storedRows (arrival order), storedPrunedMarks); show openGaps().
//   receive:  tryDecryptGroupMessage → store the row (signature unique) → timeline.add(row) → forward its events
//             (EngineEvent 'gap' with before/after ids and, via messageById, their times; 'gap-closed').
//   resync:   ReplayResult.FullResync → after the replay, markPrunedResync({lastKnown: the LastCommit we sent,
//             firstReplayed: the first message of this group in the replay}); store the mark.
//   send:     PreviousMessageSig = timeline.latest()?.signature ?? null (null → first-message sentinel).
// The book of open gaps (the cap, what the UI was told) is timeline-gaps.ts; this module keeps the order.

import { bytesEqual, toBase64 } from '../bytes.js';
import { GROUP_MAX_OPEN_GAPS } from '../limits.js';
import { firstMessagePreviousSig } from './group-message.js';
import type { GroupId } from './invite.js';
import { TimelineGaps, type TimelineEvent, type TimelineGap } from './timeline-gaps.js';

/** One verified group message as the timeline needs it (and as the profile stores it). */
export interface TimelineMessage {
  /** The EGM signature: the message's identity. */
  readonly signature: Uint8Array;
  /** DGM.PreviousMessageSig. Anything but 64 bytes (null, empty, a first-message sentinel) names no predecessor. */
  readonly previousSig: Uint8Array | null;
  /** The sender's onion. */
  readonly sender: string;
  /** The sender's claimed clock, Unix seconds (DGM.Timestamp). */
  readonly timestamp: number;
  /** Our clock when it arrived, ms since the epoch. */
  readonly receivedAt: number;
}

export interface AddResult {
  /** False for a signature we already hold (a replayed or re-broadcast message): nothing changed. */
  readonly added: boolean;
  readonly events: readonly TimelineEvent[];
}

export interface TimelineEntry {
  /** base64 of the signature: the message id used in gaps and events. */
  readonly id: string;
  readonly message: TimelineMessage;
}

/** A full resync seen by the board client (ReplayResult.FullResync), to be stored and re-applied on rebuild. */
export interface PrunedMark {
  /** The LastCommit we asked for (our newest message then); null when we held nothing. */
  readonly lastKnown: Uint8Array | null;
  /** The first message of this group in the resync's replay; null when it held none. */
  readonly firstReplayed: Uint8Array | null;
}

export interface TimelineOptions {
  /** Open gaps tracked at once; default GROUP_MAX_OPEN_GAPS. */
  readonly maxOpenGaps?: number;
}

/** The message id the timeline, gaps and UI events use for a signature. */
export function messageId(signature: Uint8Array): string {
  return toBase64(signature);
}

interface Node {
  readonly id: string;
  readonly message: TimelineMessage;
  /** Id of the named predecessor; null when it names none (or the link was refused as a cycle). */
  parentId: string | null;
  effTime: number;
  /** 0 below a first message; 1 + the arrival number of the first message that named a missing root. */
  anchor: number;
  depth: number;
}

/** Where a missing message is placed: fixed when the first message naming it arrived. */
interface MissingAnchor {
  /** Arrival number of that first message. */
  readonly seq: number;
  /** Newest claimed timestamp among the messages that arrived before it. */
  readonly floor: number;
}

function compare(a: Node, b: Node): number {
  if (a.effTime !== b.effTime) return a.effTime < b.effTime ? -1 : 1;
  if (a.anchor !== b.anchor) return a.anchor - b.anchor;
  if (a.depth !== b.depth) return a.depth - b.depth;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class GroupTimeline {
  private readonly nodes = new Map<string, Node>();
  /** Known messages by the id they name (known or not): the links a late arrival re-keys, and gap candidates. */
  private readonly children = new Map<string, Node[]>();
  private readonly order: Node[] = [];
  private readonly gaps: TimelineGaps<Node>;
  /** Missing predecessors that some known message names: where they are placed. */
  private readonly anchors = new Map<string, MissingAnchor>();
  /** Messages added so far (duplicates not counted): the next arrival number. */
  private arrivals = 0;
  /** Newest claimed timestamp among the messages added so far. */
  private newestTimestamp = -Infinity;
  private readonly sentinel: Uint8Array;

  constructor(
    readonly group: GroupId,
    options: TimelineOptions = {},
  ) {
    this.gaps = new TimelineGaps<Node>(group, options.maxOpenGaps ?? GROUP_MAX_OPEN_GAPS, {
      compare,
      idBefore: (n) => {
        const i = this.position(n);
        return i > 0 ? this.order[i - 1]!.id : null;
      },
      namedBy: (id) => this.children.get(id),
    });
    this.sentinel = firstMessagePreviousSig(group);
  }

  /**
   * The timeline of stored rows (in the order they arrived: the profile's row ids) and stored pruned marks.
   * Duplicates are ignored. Events are not replayed; read openGaps().
   */
  static rebuild(group: GroupId, rows: Iterable<TimelineMessage>, marks: Iterable<PrunedMark> = [], options: TimelineOptions = {}): GroupTimeline {
    const t = new GroupTimeline(group, options);
    t.load(rows);
    for (const k of marks) t.markPrunedResync(k);
    t.gaps.markAllShown(); // the caller reads openGaps(); nothing is pending
    return t;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Missing predecessors seen while GROUP_MAX_OPEN_GAPS gaps were open, still missing, and not marked. */
  get untrackedGaps(): number {
    return this.gaps.untrackedCount;
  }

  has(signature: Uint8Array): boolean {
    return this.nodes.has(messageId(signature));
  }

  /** The message at position i of the timeline order. */
  at(i: number): TimelineEntry | undefined {
    const n = this.order[i];
    return n === undefined ? undefined : { id: n.id, message: n.message };
  }

  /** Position of a message id in the order; -1 when unknown. O(log n). */
  indexOf(id: string): number {
    const n = this.nodes.get(id);
    return n === undefined ? -1 : this.position(n);
  }

  /** A message by id (base64 signature), e.g. to put times on a gap's neighbours. */
  messageById(id: string): TimelineMessage | undefined {
    return this.nodes.get(id)?.message;
  }

  /** The whole order (a copy). */
  entries(): TimelineEntry[] {
    return this.order.map((n) => ({ id: n.id, message: n.message }));
  }

  /** The newest message: what our next post names as PreviousMessageSig (null: use the first-message sentinel). */
  latest(): TimelineMessage | null {
    return this.order[this.order.length - 1]?.message ?? null;
  }

  openGaps(): TimelineGap[] {
    return this.gaps.views();
  }

  /**
   * Add one verified message. Duplicates (same signature) are ignored. Returns the gap events it caused: a gap
   * opens when it names a predecessor we lack; a gap closes when it is that predecessor (and, if it in turn names
   * an unknown one, a new gap opens further back).
   */
  add(message: TimelineMessage): AddResult {
    const id = messageId(message.signature);
    if (this.nodes.has(id)) return { added: false, events: [] };
    const events: TimelineEvent[] = [];
    const node = this.arrive(message, id);
    const waiting = this.children.get(id);
    // A cycle cannot be signed into existence, but stored rows are data: refuse a link into our own subtree.
    if (node.parentId !== null && waiting !== undefined && this.inSubtree(node.parentId, waiting)) node.parentId = null;
    this.nodes.set(id, node);
    this.key(node);
    if (node.parentId !== null) this.link(node);

    // It was missing: close its gap, then re-key everything that hangs below it.
    this.anchors.delete(id);
    const closed = this.gaps.arrived(id, events);
    if (waiting !== undefined && waiting.length > 0) {
      this.rekeyBelow(node);
      this.order.push(node);
      this.order.sort(compare);
    } else {
      this.order.splice(this.insertionPoint(node), 0, node);
    }

    if (node.parentId !== null && !this.nodes.has(node.parentId)) this.gaps.note(node.parentId, node);
    if (closed) this.gaps.promote();
    this.gaps.refresh(events);
    return { added: true, events };
  }

  /**
   * A replay came back with FullResync: the server no longer had our last commit, so what lay between it and the
   * first replayed message of this group may be lost. Call after adding the replayed messages. When that first
   * message names a predecessor we lack, its gap is marked 'pruned' ("history between A and B was lost on the
   * server"); when it links up with what we hold, nothing was lost and nothing is marked. Store the mark: rebuild
   * re-applies it.
   */
  markPrunedResync(mark: PrunedMark): TimelineEvent[] {
    if (mark.firstReplayed === null) return [];
    const first = this.nodes.get(messageId(mark.firstReplayed));
    if (first === undefined || first.parentId === null || this.nodes.has(first.parentId)) return [];
    const lastKnown = mark.lastKnown === null ? null : messageId(mark.lastKnown);
    const before = lastKnown !== null && this.nodes.has(lastKnown) ? lastKnown : null;
    if (!this.gaps.markPruned(first.parentId, before)) return []; // untracked at the cap
    const events: TimelineEvent[] = [];
    this.gaps.refresh(events);
    return events;
  }

  // ---- internals ----

  /**
   * Bulk load for rebuild: link everything, key from the roots down, sort once, then find the gaps in order — O(n log n)
   * where adding rows one by one in a bad order would re-sort at every late arrival.
   */
  private load(rows: Iterable<TimelineMessage>): void {
    for (const message of rows) {
      const id = messageId(message.signature);
      if (!this.nodes.has(id)) this.nodes.set(id, this.arrive(message, id));
    }
    for (const id of this.anchors.keys()) if (this.nodes.has(id)) this.anchors.delete(id);
    for (const n of this.nodes.values()) if (n.parentId !== null) this.link(n);
    const reached = new WeakSet<Node>();
    const walk = (root: Node): void => {
      const stack = [root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        reached.add(n);
        this.key(n);
        const c = this.children.get(n.id);
        if (c !== undefined) for (const k of c) if (!reached.has(k)) stack.push(k);
      }
    };
    for (const n of this.nodes.values()) if (n.parentId === null || !this.nodes.has(n.parentId)) walk(n);
    // Not reached from any root: the node hangs in a cycle (corrupt rows). Cut its link and walk from there.
    for (const n of this.nodes.values()) {
      if (reached.has(n)) continue;
      const siblings = this.children.get(n.parentId!);
      if (siblings !== undefined) siblings.splice(siblings.indexOf(n), 1);
      n.parentId = null;
      walk(n);
    }
    for (const n of this.nodes.values()) this.order.push(n);
    this.order.sort(compare);
    for (const n of this.order) if (n.parentId !== null && !this.nodes.has(n.parentId)) this.gaps.note(n.parentId, n);
  }

  /** A new node for a message not seen before: its arrival number, and its missing predecessor's anchor. */
  private arrive(message: TimelineMessage, id: string): Node {
    const parentId = this.parentIdOf(message, id);
    if (parentId !== null && !this.nodes.has(parentId) && !this.anchors.has(parentId)) {
      // A missing message that turns up naming another missing one: that one takes over its place (we learnt of
      // the hole when the first message below it arrived, not now).
      this.anchors.set(parentId, this.anchors.get(id) ?? { seq: this.arrivals, floor: this.newestTimestamp });
    }
    this.arrivals++;
    this.newestTimestamp = Math.max(this.newestTimestamp, finiteTimestamp(message));
    return { id, message, parentId, effTime: 0, anchor: 0, depth: 0 };
  }

  private link(n: Node): void {
    const list = this.children.get(n.parentId!);
    if (list === undefined) this.children.set(n.parentId!, [n]);
    else list.push(n);
  }

  private parentIdOf(m: TimelineMessage, id: string): string | null {
    const p = m.previousSig;
    // Only a 64-byte value can be a message's (ed25519) signature. A first message's sentinel is unverified
    // (docs/protocol.md §7.4: []byte(GroupID), or empty, or the raw id by other clients), so anything else names
    // no predecessor: never a gap, never a repair request for a message that cannot exist.
    if (p === null || p.length !== 64 || bytesEqual(p, this.sentinel)) return null;
    const pid = messageId(p);
    return pid === id ? null : pid;
  }

  private key(n: Node): void {
    const parent = n.parentId === null ? undefined : this.nodes.get(n.parentId);
    const ts = finiteTimestamp(n.message);
    const missing = parent === undefined && n.parentId !== null ? this.anchors.get(n.parentId) : undefined;
    if (parent !== undefined) {
      n.effTime = Math.max(ts, parent.effTime);
      n.anchor = parent.anchor;
      n.depth = parent.depth + 1;
    } else if (missing !== undefined) {
      // Below a missing message that sorts after everything that arrived before we learnt of it.
      n.effTime = Math.max(ts, missing.floor);
      n.anchor = missing.seq + 1;
      n.depth = 1;
    } else {
      n.effTime = ts;
      n.anchor = 0;
      n.depth = 0;
    }
  }

  /** Whether `id` is among `roots` or their descendants. */
  private inSubtree(id: string, roots: readonly Node[]): boolean {
    const stack = [...roots];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.id === id) return true;
      const c = this.children.get(n.id);
      if (c !== undefined) for (const k of c) stack.push(k);
    }
    return false;
  }

  private rekeyBelow(root: Node): void {
    const stack = [...(this.children.get(root.id) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      this.key(n);
      const c = this.children.get(n.id);
      if (c !== undefined) for (const k of c) stack.push(k);
    }
  }

  private insertionPoint(n: Node): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.order[mid]!, n) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private position(n: Node): number {
    const i = this.insertionPoint(n);
    return this.order[i] === n ? i : -1;
  }
}

/** Stored rows are data: a NaN would break the sort's total order. */
function finiteTimestamp(m: TimelineMessage): number {
  return Number.isFinite(m.timestamp) ? m.timestamp : 0;
}
