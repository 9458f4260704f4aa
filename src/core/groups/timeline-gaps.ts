// The gaps in a group timeline (docs/protocol.md §7.5, handbook "Detectable Faults", docs/ux.md): which missing
// messages have an open gap (at most GROUP_MAX_OPEN_GAPS; the rest wait untracked for a free slot), where each is
// drawn, why, and what the UI was last told of it. The order they are drawn in is the timeline's (timeline.ts):
// this module only keeps the book of holes in it, and turns a gap into the engine's 'gap' event.

import type { EngineEvent } from '../api/events.js';
import type { GroupId } from './invite.js';

/** 'withheld': a message named a predecessor we never got. 'pruned': the same, after a full resync (the server had lost our last commit). */
export type GapCause = 'withheld' | 'pruned';

/** An open gap, as the UI draws it: a marker just above `after`, "messages missing between `before` and `after`". */
export interface TimelineGap {
  /** Stable across restarts: derived from the missing signature. */
  readonly id: string;
  readonly group: GroupId;
  readonly cause: GapCause;
  /** Signature (base64) of the message we do not have. */
  readonly missingSig: string;
  /** Id of the earliest message (in timeline order) that names the missing one. */
  readonly after: string;
  /** Id of the message just before `after` in timeline order (for 'pruned': our last known message); null when none. */
  readonly before: string | null;
  /** receivedAt (ms) of the first message that named the missing one. */
  readonly firstSeen: number;
}

export type TimelineEvent =
  /** A gap opened, or an open gap's cause or neighbours changed (same id: replace it). */
  | { readonly type: 'gap'; readonly gap: TimelineGap }
  | { readonly type: 'gap-closed'; readonly gapId: string };

/** A message placed in the timeline, as its gaps see it. */
export interface GapNode {
  /** base64 of the signature. */
  readonly id: string;
  /** Our clock when it arrived, ms since the epoch. */
  readonly message: { readonly receivedAt: number };
}

/** What the gaps ask of the timeline's order. */
export interface GapOrder<N extends GapNode> {
  /** The timeline order: negative when `a` comes first. */
  compare(a: N, b: N): number;
  /** Id of the message just before `n` in the order; null when there is none. */
  idBefore(n: N): string | null;
  /** The known messages that name `id` as their predecessor. */
  namedBy(id: string): readonly N[] | undefined;
}

interface GapRecord<N extends GapNode> {
  readonly missingId: string;
  cause: GapCause;
  /** For 'pruned': the message we last knew before the resync. */
  prunedBefore: string | null;
  after: N;
  firstSeen: number;
  /** What the UI was last told, to re-emit only on change. */
  shown: TimelineGap | null;
}

const gapIdFor = (missingId: string): string => `gap:${missingId}`;

/** The open gaps of one group's timeline, keyed by the id of the message missing. */
export class TimelineGaps<N extends GapNode> {
  /** Open gaps by missing id. */
  private readonly open = new Map<string, GapRecord<N>>();
  /** Missing ids over the cap: linked when they arrive, but without a gap of their own. */
  private readonly untracked = new Set<string>();

  constructor(
    private readonly group: GroupId,
    private readonly maxOpen: number,
    private readonly order: GapOrder<N>,
  ) {}

  /** Missing predecessors seen while `maxOpen` gaps were open, still missing, and not marked. */
  get untrackedCount(): number {
    return this.untracked.size;
  }

  views(): TimelineGap[] {
    return [...this.open.values()].map((g) => this.view(g));
  }

  /** Count every open gap as told as it stands (a rebuild: the caller reads views(), nothing is pending). */
  markAllShown(): void {
    for (const g of this.open.values()) g.shown = this.view(g);
  }

  /** The message `id` arrived: a gap waiting for it closes. True when one did (then promote() once it is placed). */
  arrived(id: string, events: TimelineEvent[]): boolean {
    const closed = this.open.delete(id);
    if (closed) events.push({ type: 'gap-closed', gapId: gapIdFor(id) });
    this.untracked.delete(id);
    return closed;
  }

  /** `child` (placed in the order) names `missingId`, which we lack: open its gap, or move it up to `child`. */
  note(missingId: string, child: N): void {
    const g = this.open.get(missingId);
    if (g !== undefined) {
      if (this.order.compare(child, g.after) < 0) g.after = child;
      g.firstSeen = Math.min(g.firstSeen, child.message.receivedAt);
      return;
    }
    if (this.untracked.has(missingId)) return;
    if (this.open.size >= this.maxOpen) {
      this.untracked.add(missingId);
      return;
    }
    this.open.set(missingId, { missingId, cause: 'withheld', prunedBefore: null, after: child, firstSeen: child.message.receivedAt, shown: null });
  }

  /** A slot freed up: give the oldest untracked missing predecessor its gap. */
  promote(): void {
    for (const missingId of this.untracked) {
      if (this.open.size >= this.maxOpen) return;
      this.untracked.delete(missingId);
      const kids = [...(this.order.namedBy(missingId) ?? [])].sort((a, b) => this.order.compare(a, b));
      const first = kids[0];
      if (first === undefined) continue;
      const firstSeen = kids.reduce((m, k) => Math.min(m, k.message.receivedAt), Infinity);
      this.open.set(missingId, { missingId, cause: 'withheld', prunedBefore: null, after: first, firstSeen, shown: null });
    }
  }

  /** The gap of `missingId` becomes 'pruned', drawn below `before` when given. False when it has none (untracked at the cap). */
  markPruned(missingId: string, before: string | null): boolean {
    const g = this.open.get(missingId);
    if (g === undefined) return false;
    g.cause = 'pruned';
    g.prunedBefore = before;
    return true;
  }

  /** Emit a 'gap' event for every open gap that is new or whose cause or neighbours changed. O(open gaps · log n). */
  refresh(events: TimelineEvent[]): void {
    for (const g of this.open.values()) {
      const v = this.view(g);
      const s = g.shown;
      if (s === null || s.cause !== v.cause || s.after !== v.after || s.before !== v.before) {
        g.shown = v;
        events.push({ type: 'gap', gap: v });
      }
    }
  }

  private view(g: GapRecord<N>): TimelineGap {
    const before = g.prunedBefore ?? this.order.idBefore(g.after);
    return { id: gapIdFor(g.missingId), group: this.group, cause: g.cause, missingSig: g.missingId, after: g.after.id, before, firstSeen: g.firstSeen };
  }
}

/** Where gapEngineEvent reads the neighbours' claimed times (a GroupTimeline). */
interface MessageTimes {
  messageById(id: string): { readonly timestamp: number } | undefined;
}

/**
 * The engine's 'gap' event for a gap (src/core/api/events.ts): neighbour ids plus their times in ms (the senders'
 * claimed timestamps), so the UI can say "messages missing between 14:02 and 14:09".
 */
export function gapEngineEvent(timeline: MessageTimes, gap: TimelineGap): Extract<EngineEvent, { event: 'gap' }> {
  const before = gap.before === null ? undefined : timeline.messageById(gap.before);
  const after = timeline.messageById(gap.after);
  return {
    event: 'gap',
    group: gap.group,
    gapId: gap.id,
    cause: gap.cause,
    after: gap.after,
    ...(after !== undefined ? { afterTime: after.timestamp * 1000 } : {}),
    ...(gap.before !== null ? { before: gap.before } : {}),
    ...(before !== undefined ? { beforeTime: before.timestamp * 1000 } : {}),
  };
}
