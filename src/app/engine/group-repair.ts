// Gap repair from peers (docs/protocol.md §12.3): both sides of the extension for one unlocked profile.
//
// Asking: for every open gap (withheld or pruned) we ask one online member who is also an approved contact for the
// missing messages — one request outstanding per peer, REPAIR_ASKS_PER_PEER_PER_MINUTE at most; a request that
// brings nothing, or times out, moves on to the next member. Whatever comes back goes through the groups receive
// path exactly like a server's message (group key, author's signature, chain); anything else is dropped and
// counted against the sender, and a peer with REPAIR_PEER_MAX_BAD bad entries is not asked again.
//
// Answering: a request that opens with one of our groups' repair keys (so the asker holds that group's key) from an
// approved contact, within REPAIR_ANSWERS_PER_PEER_PER_MINUTE, gets the original EGMs of the chain back from the
// message it wants. Anything else gets no answer at all: a contact who is not in the group learns nothing.

import type { EngineEvent } from '../../core/api/events.js';
import { fromBase64, toHex } from '../../core/bytes.js';
import type { CryptoBackend } from '../../core/crypto/backend.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import type { EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import {
  OVERLAY_GROUP_REPAIR_REPLY,
  OVERLAY_GROUP_REPAIR_REQUEST,
  openRepairReply,
  openRepairRequest,
  repairKey,
  sealRepairReplies,
  sealRepairRequest,
} from '../../core/groups/repair.js';
import type { TimelineGap } from '../../core/groups/timeline-gaps.js';
import {
  REPAIR_ANSWERS_PER_PEER_PER_MINUTE,
  REPAIR_ASKS_PER_PEER_PER_MINUTE,
  REPAIR_MAX_BYTES,
  REPAIR_MAX_HAVE,
  REPAIR_MAX_MESSAGES,
  REPAIR_PEER_MAX_BAD,
  REPAIR_REQUEST_TIMEOUT_MS,
} from '../../core/limits.js';
import { EXTENSION_GROUP_REPAIR, newMessageId, type PeerSession } from '../../core/peer/peer-app.js';
import type { Overlay } from '../../core/peer/overlay.js';
import type { Clock, Random, TimerHandle } from '../../core/ports.js';
import type { ConversationId } from '../../profile/profile-db.js';

/** What one repaired message did. */
export type RepairedOutcome = 'new' | 'duplicate' | 'rejected';

/** A group as the repair needs it. */
export interface RepairGroup {
  readonly conversation: ConversationId;
  readonly groupId: string;
  readonly key: Uint8Array;
}

export interface GroupRepairDeps {
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly emit: (e: EngineEvent) => void;
  readonly groups: () => readonly RepairGroup[];
  /** The group's server is in the middle of a replay: its gaps may still fill from it, so do not ask yet. */
  readonly replaying: (conversation: ConversationId) => boolean;
  readonly openGaps: (conversation: ConversationId) => readonly TimelineGap[];
  /** Up to `n` signatures just before message `id` in the group's timeline (where the answerer's walk stops). */
  readonly sigsBefore: (conversation: ConversationId, id: string, n: number) => Uint8Array[];
  /** Senders of the group's messages (the members we know). */
  readonly members: (conversation: ConversationId) => readonly string[];
  /** An open v2 session with an approved contact, or null. */
  readonly session: (onion: string) => PeerSession | null;
  readonly isApproved: (onion: string) => boolean;
  /** The chain back from `want` (docs/protocol.md §12.3 walk). */
  readonly chainBack: (conversation: ConversationId, want: Uint8Array, stop: ReadonlySet<string>, max: number, maxBytes: number) => EncryptedGroupMessage[];
  /** One repaired EGM through the receive path of its group (verified as a server's message would be). */
  readonly receive: (conversation: ConversationId, egm: EncryptedGroupMessage, from: OnionAddress) => RepairedOutcome;
}

/** Counters for tests and the bench. */
export interface RepairStats {
  asked: number;
  answered: number;
  received: number;
  repaired: number;
  duplicates: number;
  rejected: number;
  /** Requests we dropped unanswered: not opened by any key, over the rate, or from a non-contact. */
  refused: number;
}

interface Outstanding {
  readonly reqId: string;
  readonly peer: string;
  readonly group: RepairGroup;
  readonly gapId: string;
  readonly timer: TimerHandle;
  gotNew: number;
  /** Parts' entries so far, newest first (as the answerer walks); applied oldest first when the last part comes. */
  readonly entries: EncryptedGroupMessage[];
}

/** Messages asked for per request: bounded below REPAIR_MAX_MESSAGES; a gap that goes further back is asked again. */
const ASK_BATCH = 100;

export class GroupRepair {
  readonly stats: RepairStats = { asked: 0, answered: 0, received: 0, repaired: 0, duplicates: 0, rejected: 0, refused: 0 };
  /** By peer: the one request outstanding. */
  private readonly outstanding = new Map<string, Outstanding>();
  /** Gap id → peers already asked for it without result. */
  private readonly tried = new Map<string, Set<string>>();
  /** Gap id → the peer being asked now. */
  private readonly repairing = new Map<string, string>();
  private readonly bad = new Map<string, number>();
  private readonly asks = new Map<string, number[]>();
  private readonly answers = new Map<string, number[]>();
  private keyCache: { groups: readonly RepairGroup[]; keys: { group: RepairGroup; repairKey: Uint8Array }[] } | null = null;
  private pokeScheduled = false;
  private rateTimer: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly d: GroupRepairDeps) {}

  close(): void {
    this.closed = true;
    if (this.rateTimer !== null) this.d.clock.clearTimeout(this.rateTimer);
    for (const o of this.outstanding.values()) this.d.clock.clearTimeout(o.timer);
    this.outstanding.clear();
  }

  /** Something changed (a gap opened, a peer came online): look for gaps to repair, once per turn. */
  poke(): void {
    if (this.pokeScheduled || this.closed) return;
    this.pokeScheduled = true;
    this.d.clock.setTimeout(() => {
      this.pokeScheduled = false;
      this.askAll();
    }, 0);
  }

  /** A gap closed (by whatever means): forget who we were asking about it. */
  gapClosed(gapId: string): void {
    this.tried.delete(gapId);
    this.repairing.delete(gapId);
  }

  /** An extension overlay from a peer (PeerHandler.extension). */
  onOverlay(s: PeerSession, o: Overlay): void {
    if (this.closed) return;
    if (o.overlay === OVERLAY_GROUP_REPAIR_REQUEST) this.answer(s, o.data);
    else if (o.overlay === OVERLAY_GROUP_REPAIR_REPLY) this.reply(s, o.data);
  }

  // ---- asking ----

  private askAll(): void {
    if (this.closed) return;
    let rateLimited = false;
    for (const g of this.d.groups()) {
      if (this.d.replaying(g.conversation)) continue;
      for (const gap of this.d.openGaps(g.conversation)) {
        if (this.repairing.has(gap.id)) continue;
        const want = fromBase64(gap.missingSig);
        if (want === null || want.length !== 64) continue;
        const tried = this.tried.get(gap.id) ?? new Set<string>();
        const untried = this.d.members(g.conversation).filter((m) => !tried.has(m));
        const peer = untried.find((m) => this.canAsk(m));
        if (peer === undefined) {
          // A member we could ask but for our own rate: come back when its minute is up (nothing else may poke).
          if (untried.some((m) => this.canAsk(m, true))) rateLimited = true;
          continue;
        }
        this.ask(peer, g, gap, want);
      }
    }
    if (rateLimited) this.retryWhenRateAllows();
  }

  /** One timer: poke again when the oldest ask of any peer leaves its one-minute window. */
  private retryWhenRateAllows(): void {
    if (this.rateTimer !== null) return;
    const now = this.d.clock.now();
    const oldest = Math.min(...[...this.asks.values()].flatMap((t) => t.filter((x) => x > now - 60_000)));
    const wait = Number.isFinite(oldest) ? Math.max(1, oldest + 60_000 - now + 1) : 1_000;
    this.rateTimer = this.d.clock.setTimeout(() => {
      this.rateTimer = null;
      this.poke();
    }, wait);
  }

  /** `ignoreRate`: whether it could be asked if it were not for our per-peer rate. */
  private canAsk(peer: string, ignoreRate = false): boolean {
    if ((this.bad.get(peer) ?? 0) >= REPAIR_PEER_MAX_BAD) return false;
    if (this.outstanding.has(peer)) return false;
    const s = this.d.session(peer);
    // Only a peer that said it speaks the extension: a Cwtch app would show our overlay as a malformed message.
    if (s === null || s.framing !== 2 || !s.extensions.has(EXTENSION_GROUP_REPAIR) || !this.d.isApproved(peer)) return false;
    return ignoreRate || within(this.asks, peer, this.d.clock.now(), REPAIR_ASKS_PER_PEER_PER_MINUTE);
  }

  private ask(peer: string, g: RepairGroup, gap: TimelineGap, want: Uint8Array): void {
    const s = this.d.session(peer)!;
    const reqId = this.d.random.bytes(16);
    const have = this.d.sigsBefore(g.conversation, gap.after, REPAIR_MAX_HAVE);
    const data = sealRepairRequest(this.d.backend, this.d.random, this.keyFor(g), { reqId, max: ASK_BATCH, want, have });
    if (!s.sendMessage(newMessageId(this.d.random), { overlay: OVERLAY_GROUP_REPAIR_REQUEST, data }).ok) return;
    record(this.asks, peer, this.d.clock.now());
    this.stats.asked++;
    const key = toHex(reqId);
    const timer = this.d.clock.setTimeout(() => this.finish(peer, key), REPAIR_REQUEST_TIMEOUT_MS);
    this.outstanding.set(peer, { reqId: key, peer, group: g, gapId: gap.id, timer, gotNew: 0, entries: [] });
    this.repairing.set(gap.id, peer);
    this.d.emit({ event: 'gap-repair', group: g.groupId, gapId: gap.id, from: peer });
  }

  private reply(s: PeerSession, data: string): void {
    const o = this.outstanding.get(s.onion);
    if (o === undefined) return this.penalise(s.onion, 1, 'unsolicited repair reply');
    const r = openRepairReply(this.d.backend, this.keyFor(o.group), data);
    if (!r.ok || toHex(r.value.reqId) !== o.reqId) return this.penalise(s.onion, 1, `bad repair reply (${r.ok ? 'other request' : r.error.code})`);
    // Kept until the last part (bounded: the answerer sends at most REPAIR_MAX_BYTES, and more is not asked for), then
    // applied oldest first, so each message finds its predecessor and the gap closes once, not once per message.
    for (const egm of r.value.egms) {
      if (o.entries.length >= REPAIR_MAX_MESSAGES) {
        this.penalise(s.onion, 1, 'a repair reply past the limit');
        break;
      }
      o.entries.push(egm);
    }
    if (r.value.last) this.finish(s.onion, o.reqId);
  }

  private apply(o: Outstanding): void {
    for (let i = o.entries.length - 1; i >= 0; i--) {
      this.stats.received++;
      const outcome = this.d.receive(o.group.conversation, o.entries[i]!, o.peer as OnionAddress);
      if (outcome === 'new') {
        this.stats.repaired++;
        o.gotNew++;
      } else if (outcome === 'duplicate') {
        this.stats.duplicates++;
      } else {
        this.penalise(o.peer, 1, 'a repair entry failed verification');
      }
    }
  }

  /** A request ended (its last part, or its deadline): ask again where gaps remain. */
  private finish(peer: string, reqId: string): void {
    const o = this.outstanding.get(peer);
    if (o === undefined || o.reqId !== reqId) return;
    this.d.clock.clearTimeout(o.timer);
    this.outstanding.delete(peer);
    this.apply(o);
    if (this.repairing.get(o.gapId) === peer) this.repairing.delete(o.gapId);
    const stillOpen = this.d.openGaps(o.group.conversation).some((g) => g.id === o.gapId);
    if (stillOpen) {
      // Nothing new from this member for this gap: try the next one. (Progress moves a gap: a new id, fresh tries.)
      if (o.gotNew === 0) {
        const t = this.tried.get(o.gapId) ?? new Set<string>();
        t.add(peer);
        this.tried.set(o.gapId, t);
      }
      this.d.emit({ event: 'gap-repair', group: o.group.groupId, gapId: o.gapId, from: null });
    }
    this.poke();
  }

  private penalise(peer: string, n: number, why: string): void {
    this.stats.rejected += n;
    this.bad.set(peer, (this.bad.get(peer) ?? 0) + n);
    this.d.log(`groups: repair: dropped ${why}`);
  }

  // ---- answering ----

  private answer(s: PeerSession, data: string): void {
    const now = this.d.clock.now();
    if (!this.d.isApproved(s.onion) || !within(this.answers, s.onion, now, REPAIR_ANSWERS_PER_PEER_PER_MINUTE)) {
      this.stats.refused++;
      return;
    }
    record(this.answers, s.onion, now);
    const r = openRepairRequest(this.d.backend, this.keys(), data);
    if (!r.ok) {
      // Not a member as far as we can tell (or noise): no answer, so it learns nothing.
      this.stats.refused++;
      return;
    }
    const { key, request } = r.value;
    const stop = new Set(request.have.map((h) => toHex(h)));
    const egms = this.d.chainBack(key.group.conversation, request.want, stop, Math.min(request.max, REPAIR_MAX_MESSAGES), REPAIR_MAX_BYTES);
    for (const part of sealRepairReplies(this.d.backend, this.d.random, key.repairKey, request.reqId, egms)) {
      if (!s.sendMessage(newMessageId(this.d.random), { overlay: OVERLAY_GROUP_REPAIR_REPLY, data: part }).ok) break;
    }
    this.stats.answered++;
  }

  private keys(): { group: RepairGroup; repairKey: Uint8Array }[] {
    const groups = this.d.groups();
    if (this.keyCache?.groups !== groups) this.keyCache = { groups, keys: groups.map((group) => ({ group, repairKey: repairKey(group.key) })) };
    return this.keyCache.keys;
  }

  private keyFor(g: RepairGroup): Uint8Array {
    return this.keys().find((k) => k.group.conversation === g.conversation)?.repairKey ?? repairKey(g.key);
  }
}

/** Whether `peer` has had fewer than `limit` events in the last minute. */
function within(log: Map<string, number[]>, peer: string, now: number, limit: number): boolean {
  const times = (log.get(peer) ?? []).filter((t) => t > now - 60_000);
  log.set(peer, times);
  return times.length < limit;
}

function record(log: Map<string, number[]>, peer: string, now: number): void {
  const times = log.get(peer) ?? [];
  times.push(now);
  log.set(peer, times);
}
