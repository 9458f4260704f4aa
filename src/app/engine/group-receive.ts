// The receive path of every group message, whatever brought it (a server's replay or live push, a member's repair
// reply): trial-decrypt with the keys we hold, verify, store once per signature, then the hash-chained timeline and
// its gap events. Gaps of a group on several servers are held while another server may still bring the message.

import { toBase64, toHex } from '../../core/bytes.js';
import type { EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import { GROUP_RECEIVE_ERRORS, tryDecryptGroupMessage, type GroupKeyInfo } from '../../core/groups/group-message.js';
import { type GroupTimeline, type TimelineMessage } from '../../core/groups/timeline.js';
import { gapEngineEvent, type TimelineEvent } from '../../core/groups/timeline-gaps.js';
import { TrialOpener } from '../../core/groups/trial-open.js';
import { MIRROR_GAP_GRACE_MS } from '../../core/limits.js';
import { decodeOverlay, encodeOverlay, OVERLAY_TEXT, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { TimerHandle } from '../../core/ports.js';
import { fail } from '../../core/result.js';
import type { ConversationId, GroupServer } from '../../profile/profile-db.js';
import { PENDING_POST_PREFIX, type GroupsContext, type Via } from './group-context.js';
import type { GroupRepair, RepairedOutcome } from './group-repair.js';
import { quoteOf } from './quotes.js';

/** What a received message did, for counters (bench, tests). */
export interface ReceiveStats {
  total: number;
  ours: number;
  notOurs: number;
  rejected: number;
  duplicates: number;
}

/** What the receive path asks of the servers' syncs (group-sync.ts), which are built after it. */
export interface ReceiveSyncs {
  /** Per server, during a replay: the first message of each group seen (for a full resync's 'pruned' mark). */
  replayFirsts(server: string): Map<ConversationId, Uint8Array> | undefined;
  /** Whether a server has had its say about the gaps it might fill. */
  settled(x: GroupServer): boolean;
}

export class GroupReceive {
  readonly stats: ReceiveStats = { total: 0, ours: 0, notOurs: 0, rejected: 0, duplicates: 0 };
  private opener: TrialOpener | null = null;
  /** Per gap id: the server whose message showed it (a later fill from another server is closedBy 'mirror'). */
  private readonly gapOpener = new Map<string, string>();
  /**
   * Gaps of a group on several servers, not shown yet: another server of the group may still bring the message
   * (it is replaying, has not synced yet, or its live push is on the way). Shown once every other server has had
   * its say and MIRROR_GAP_GRACE_MS passed; never shown when closed before that.
   */
  private readonly heldGaps = new Map<string, { conv: ConversationId; since: number; timer: TimerHandle | null }>();

  constructor(
    private readonly ctx: GroupsContext,
    private readonly repair: GroupRepair,
    private readonly syncs: ReceiveSyncs,
  ) {}

  close(): void {
    for (const h of this.heldGaps.values()) if (h.timer !== null) this.ctx.deps.clock.clearTimeout(h.timer);
  }

  isHeld(gapId: string): boolean {
    return this.heldGaps.has(gapId);
  }

  /** A group left: its held gaps go with it. */
  forgetGroup(conv: ConversationId): void {
    for (const [gapId, h] of this.heldGaps) if (h.conv === conv) this.unholdGap(gapId);
  }

  /**
   * The receive path of every group message, whatever brought it. From a peer (a repair reply): tried with its own
   * group's key only (`only`; another group's message is refused like a forgery).
   */
  receiveOne(via: Via, egm: EncryptedGroupMessage, source: 'replay' | 'live' | 'peer', only?: GroupKeyInfo): RepairedOutcome {
    const { ctx } = this;
    const server = 'server' in via ? via.server : null;
    // Almost every replayed message is another group's: find the key first (cheap, no allocation), and run the
    // full receive path only with the key that opened it (the same group the full search would pick).
    const found = (this.opener ??= new TrialOpener(ctx.deps.backend)).find(egm.ciphertext, only !== undefined ? [only] : server !== null ? ctx.keyInfos(server) : []);
    const r = found === null ? fail(GROUP_RECEIVE_ERRORS.notOurs, 'no group key opens this message') : tryDecryptGroupMessage(ctx.deps.backend, egm, [found]);
    if (!r.ok) {
      if (r.error.code === GROUP_RECEIVE_ERRORS.notOurs) this.stats.notOurs++;
      else {
        this.stats.rejected++;
        ctx.deps.log(`groups: dropped a message (${r.error.code})`);
      }
      return 'rejected';
    }
    this.stats.ours++;
    const { message, sender, signature } = r.value;
    const g = ctx.db.findGroup(r.value.group.groupId);
    if (g === null) return 'rejected';
    if (source === 'replay' && server !== null) {
      const f = this.syncs.replayFirsts(server);
      if (f !== undefined && !f.has(g.conversation)) f.set(g.conversation, signature);
    }
    const sig = toBase64(signature);
    const now = ctx.deps.clock.now();
    if (sender === ctx.identity.onion) {
      // Our own post came back: delivered (acked at the first echo from any server; a member's repair reply had it
      // from a server too). That server no longer waits for it; its EGM setting goes when no server does.
      const row = ctx.db.groupPostEchoed(g.conversation, signature, server, PENDING_POST_PREFIX + toHex(signature));
      if (row !== null) {
        ctx.db.fillGroupCiphertext(g.conversation, signature, egm.ciphertext);
        if (row.firstAck) ctx.emit({ event: 'ack', conversation: g.groupId, messageId: sig });
        else this.stats.duplicates++;
        return row.firstAck ? 'new' : 'duplicate';
      }
    }
    const o = decodeOverlay(message.text);
    // A client that posts plain text instead of overlay JSON: keep it as a text message.
    const overlay: Overlay = o.ok ? o.value : { overlay: OVERLAY_TEXT, data: message.text };
    const body = new TextDecoder().decode(encodeOverlay(overlay));
    const ins = ctx.db.insertMessage({
      conversation: g.conversation,
      direction: sender === ctx.identity.onion ? 'out' : 'in',
      sender,
      body,
      sentAt: message.timestamp * 1000,
      receivedAt: now,
      ack: 'acknowledged',
      groupSignature: signature,
      previousSignature: message.previousMessageSig,
      // A copy: a replay hands us a reused buffer. Kept so we can give the original to a member repairing a gap.
      groupCiphertext: egm.ciphertext.slice(),
    });
    if (!ins.isNew) {
      // A row from before messages kept their ciphertext gets it now, so we can give it to a member later.
      ctx.db.fillGroupCiphertext(g.conversation, signature, egm.ciphertext);
      this.stats.duplicates++;
      return 'duplicate';
    }
    const quote = quoteOf(ctx.db, g.conversation, overlay);
    ctx.emit({
      event: 'message',
      conversation: g.groupId,
      from: sender,
      text: overlayText(overlay),
      time: now,
      messageId: sig,
      outgoing: sender === ctx.identity.onion,
      ack: 'acknowledged',
      overlay: overlay.overlay,
      signature: sig,
      ...(quote !== undefined ? { quote } : {}),
    });
    this.feed(ctx.timeline(g), { signature, previousSig: message.previousMessageSig, sender, timestamp: message.timestamp, receivedAt: now }, via, g.conversation);
    return 'new';
  }

  feed(t: GroupTimeline, m: TimelineMessage, via: Via | null, conv: ConversationId): void {
    this.forward(t, t.add(m).events, via, conv);
  }

  /** Timeline events out as engine events; `via`: what brought the message (null: our own post, or a resync mark). */
  forward(t: GroupTimeline, events: readonly TimelineEvent[], via: Via | null, conv: ConversationId): void {
    for (const e of events) {
      if (e.type === 'gap') {
        if (via !== null && 'server' in via && !this.gapOpener.has(e.gap.id)) this.gapOpener.set(e.gap.id, via.server);
        if (this.holdGap(conv, e.gap.id)) continue;
        this.ctx.emit(gapEngineEvent(t, e.gap));
        this.repair.poke();
      } else {
        const opener = this.gapOpener.get(e.gapId);
        this.gapOpener.delete(e.gapId);
        // Held, so never shown: the user never saw it open.
        if (this.unholdGap(e.gapId)) continue;
        this.repair.gapClosed(e.gapId);
        const how =
          via === null || 'server' in via
            ? via !== null && opener !== undefined && opener !== via.server
              ? { closedBy: 'mirror' as const, from: via.server }
              : { closedBy: 'server' as const }
            : { closedBy: 'peer' as const, from: via.peer };
        this.ctx.emit({ event: 'gap-closed', group: t.group, gapId: e.gapId, ...how });
      }
    }
  }

  // ---- gaps of a group on several servers ----

  /** Holds a gap (true) while another server of its group may still bring the missing message. */
  private holdGap(conv: ConversationId, gapId: string): boolean {
    if (this.heldGaps.has(gapId)) return true;
    if (this.ctx.db.groupServers(conv).filter((x) => x.state === 'active').length < 2) return false;
    this.heldGaps.set(gapId, { conv, since: this.ctx.deps.clock.now(), timer: null });
    this.armHeld(gapId);
    return true;
  }

  private armHeld(gapId: string): void {
    const h = this.heldGaps.get(gapId);
    if (h === undefined || h.timer !== null || this.ctx.closing) return;
    const wait = Math.max(0, h.since + MIRROR_GAP_GRACE_MS - this.ctx.deps.clock.now());
    h.timer = this.ctx.deps.clock.setTimeout(() => {
      h.timer = null;
      this.releaseHeldGaps();
    }, wait);
  }

  private unholdGap(gapId: string): boolean {
    const h = this.heldGaps.get(gapId);
    if (h === undefined) return false;
    if (h.timer !== null) this.ctx.deps.clock.clearTimeout(h.timer);
    this.heldGaps.delete(gapId);
    return true;
  }

  /** Shows every held gap whose grace is over and whose group's servers have all had their say. */
  releaseHeldGaps(): void {
    if (this.heldGaps.size === 0 || this.ctx.closing) return;
    const now = this.ctx.deps.clock.now();
    for (const [gapId, h] of [...this.heldGaps]) {
      if (now < h.since + MIRROR_GAP_GRACE_MS) {
        this.armHeld(gapId);
        continue;
      }
      const servers = this.ctx.db.groupServers(h.conv);
      if (servers.some((x) => !this.syncs.settled(x))) continue;
      this.unholdGap(gapId);
      const g = this.ctx.db.getGroup(h.conv);
      if (g === null) continue;
      const t = this.ctx.timeline(g);
      const gap = t.openGaps().find((x) => x.id === gapId);
      if (gap === undefined) continue;
      this.ctx.emit(gapEngineEvent(t, gap));
      this.repair.poke();
    }
  }

  /** Group rows sorted by their place in the timeline (rows without a signature keep arrival order, last). */
  inTimelineOrder<M extends { readonly groupSignature: Uint8Array | null; readonly id: number }>(conv: ConversationId, rows: readonly M[]): M[] {
    const g = this.ctx.db.getGroup(conv);
    if (g === null) return [...rows];
    const t = this.ctx.timeline(g);
    const pos = (m: M): number => (m.groupSignature === null ? Number.MAX_SAFE_INTEGER : t.indexOf(toBase64(m.groupSignature)));
    return [...rows].sort((x, y) => pos(x) - pos(y) || x.id - y.id);
  }
}
